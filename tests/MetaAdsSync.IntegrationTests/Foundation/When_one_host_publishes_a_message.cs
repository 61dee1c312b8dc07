using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MetaAdsSync.IntegrationTests.Foundation;

public class When_one_host_publishes_a_message(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Should_reach_a_consumer_in_another_host_over_the_real_broker()
    {
        var received = new TaskCompletionSource<FetchEntities>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var consumerHost = BuildHost(x => x.AddConsumer<RecordingConsumer>(), services => services.AddSingleton(received));
        using var publisherHost = BuildHost();
        await consumerHost.StartAsync();
        await publisherHost.StartAsync();
        await WaitUntilBusIsReady(consumerHost);
        await WaitUntilBusIsReady(publisherHost);

        var sent = new FetchEntities(Guid.NewGuid(), "act_697495618573979", EntityLevel.Ad, Force: false);
        await publisherHost.Services.GetRequiredService<IPublishEndpoint>().Publish(sent);

        var got = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(sent, got);
        await publisherHost.StopAsync();
        await consumerHost.StopAsync();
    }

    IHost BuildHost(Action<IBusRegistrationConfigurator>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(rabbit.HostEnvironment.ToDictionary(
            kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value));
        builder.AddMessaging(configure);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    static async Task WaitUntilBusIsReady(IHost host)
    {
        var bus = host.Services.GetRequiredService<IBusControl>();
        await bus.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
    }

    public sealed class RecordingConsumer(TaskCompletionSource<FetchEntities> received) : IConsumer<FetchEntities>
    {
        public Task Consume(ConsumeContext<FetchEntities> context)
        {
            received.TrySetResult(context.Message);
            return Task.CompletedTask;
        }
    }
}
