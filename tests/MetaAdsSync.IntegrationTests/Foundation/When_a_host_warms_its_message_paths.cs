using System.Collections.Concurrent;
using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace MetaAdsSync.IntegrationTests.Foundation;

public class When_a_host_warms_its_message_paths(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Should_send_through_each_publish_transport_without_any_consumer_receiving_it()
    {
        var received = new ConcurrentQueue<FetchEntities>();
        var arrived = new SemaphoreSlim(0);
        using var consumerHost = BuildHost(x => x.AddConsumer<RecordingConsumer>(), services => services.AddSingleton(received).AddSingleton(arrived));
        using var warmedHost = BuildHost(warmUp: new MessageWarmUp([typeof(FetchEntities)], []));
        await consumerHost.StartAsync();
        await consumerHost.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        await warmedHost.StartAsync();

        var warmUp = warmedHost.Services.GetRequiredService<MessagingWarmUp>();
        await Eventually.TrueAsync(async () => (await warmUp.CheckHealthAsync(new HealthCheckContext())).Status == HealthStatus.Healthy,
            "the warm-up is done", TimeSpan.FromSeconds(30));

        // The queue is first in, first out: had the warm-up's empty message reached it, it would arrive before this one.
        var sent = new FetchEntities(Guid.NewGuid(), "act_697495618573979", EntityLevel.Ad, Force: false);
        await warmedHost.Services.GetRequiredService<IPublishEndpoint>().Publish(sent);
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(30)), "the real message arrived");

        Assert.Equal([sent], received.ToArray());
        await warmedHost.StopAsync();
        await consumerHost.StopAsync();
    }

    IHost BuildHost(Action<IBusRegistrationConfigurator>? configure = null, Action<IServiceCollection>? services = null, MessageWarmUp? warmUp = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(rabbit.HostEnvironment.ToDictionary(
            kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value));
        builder.AddMessaging(configure, warmUp);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public sealed class RecordingConsumer(ConcurrentQueue<FetchEntities> received, SemaphoreSlim arrived) : IConsumer<FetchEntities>
    {
        public Task Consume(ConsumeContext<FetchEntities> context)
        {
            received.Enqueue(context.Message);
            arrived.Release();
            return Task.CompletedTask;
        }
    }
}
