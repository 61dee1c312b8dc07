using MassTransit;
using MetaAdsSync.Contracts;

namespace MetaAdsSync.Gateway.Events;

/// <summary>
/// Receives every run's progress and outcome on this Gateway's own queue (temporary: non-durable, auto-delete, named
/// with the instance's id), so each Gateway hears every run and serves the streams open on it.
/// </summary>
public sealed class SyncEventsConsumer(SyncEventHub hub) :
    IConsumer<SyncProgressed>, IConsumer<AccountSyncCompleted>, IConsumer<AccountSyncFailed>, IConsumer<AccountSyncTimedOut>
{
    public Task Consume(ConsumeContext<SyncProgressed> context) => Hand(context.Message.RunId, context.Message);

    public Task Consume(ConsumeContext<AccountSyncCompleted> context) => Hand(context.Message.RunId, context.Message);

    public Task Consume(ConsumeContext<AccountSyncFailed> context) => Hand(context.Message.RunId, context.Message);

    public Task Consume(ConsumeContext<AccountSyncTimedOut> context) => Hand(context.Message.RunId, context.Message);

    Task Hand(Guid runId, object message)
    {
        hub.Publish(runId, message);
        return Task.CompletedTask;
    }

    /// <summary>Registers the consumer on a queue of this process alone; events that arrive while no stream listens are dropped.</summary>
    public static void Register(IBusRegistrationConfigurator x) =>
        x.AddConsumer<SyncEventsConsumer>().Endpoint(e =>
        {
            e.Name = $"gateway-sync-events-{Environment.MachineName.ToLowerInvariant()}-{NewId.NextGuid():N}";
            e.Temporary = true;
        });
}
