using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>What the run watchdog reads from RabbitMQ: whether a message waits, undelivered, in the queues it watches.</summary>
public class When_the_watchdog_looks_at_the_queues(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    RabbitMqOptions Broker(int? port = null) => new()
    {
        Host = rabbit.Host, Port = port ?? rabbit.Port, Username = rabbit.Username, Password = rabbit.Password, VirtualHost = rabbit.VirtualHost,
    };

    RabbitMqQueuedWork Watching(RabbitMqOptions broker) =>
        new(Options.Create(broker), NullLogger<RabbitMqQueuedWork>.Instance, ["never-declared", "fetch-commands"]);

    [Fact]
    public async Task Should_see_a_message_waiting_only_until_a_consumer_takes_it()
    {
        await using var queued = Watching(Broker());
        Assert.False(await queued.AnyWaitingAsync(default));

        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host, Port = rabbit.Port, UserName = rabbit.Username, Password = rabbit.Password, VirtualHost = rabbit.VirtualHost,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("fetch-commands", durable: false, exclusive: false, autoDelete: false);
        Assert.False(await queued.AnyWaitingAsync(default));

        await channel.BasicPublishAsync("", "fetch-commands", "a command"u8.ToArray());
        Assert.True(await queued.AnyWaitingAsync(default));

        // Delivered and not yet acknowledged: a consumer has it (reading it, or it comes back if that consumer dies).
        Assert.NotNull(await channel.BasicGetAsync("fetch-commands", autoAck: false));
        Assert.False(await queued.AnyWaitingAsync(default));
    }

    [Fact]
    public async Task Should_say_it_does_not_know_when_the_broker_is_unreachable()
    {
        await using var queued = Watching(Broker(port: 1));

        Assert.Null(await queued.AnyWaitingAsync(default));
    }
}
