using MassTransit;
using MetaAdsSync.GraphApi;
using MetaAdsSync.RateGate;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace MetaAdsSync.Fetching;

/// <summary>What both fetcher hosts share: <c>Sync:*</c>, <c>Meta:*</c> and <c>RateGate:*</c> validated at start, the Graph client behind the shared rate gate (its telemetry exported), and one retry rule.</summary>
public static class FetcherDefaults
{
    public static TBuilder AddFetcherDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<SyncOptions>()
            .BindConfiguration(SyncOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSharedRateGate(StorageExtensions.SessionDataSource);
        builder.Services.AddSharedPageSizeMemory();
        builder.Services.AddMetaGraphApi();
        builder.Services.AddTelemetrySource(GraphTelemetry.Name);
        builder.Services.AddSingleton<FetchFailures>();
        builder.Services.AddSingleton<GraphPathWarmUp>();
        return builder;
    }

    /// <summary>
    /// Redelivery for failures that may pass by themselves: a Graph call still failing transiently after the client's
    /// own retries, a throttle, no rate-gate permit in time (the message is given back rather than holding its slot),
    /// a dropped database connection, up to <c>Sync:ConsumerRetryLimit</c>; and, outside that limit, for as long as it
    /// takes, a statement that found the host's connection pool full. Auth, permission, not-found and bad data are not retried.
    /// </summary>
    public static void UseTransientRetry(this IConsumePipeConfigurator endpoint, SyncOptions sync)
    {
        endpoint.UseRetryWhilePoolExhausted();
        if (sync.ConsumerRetryLimit == 0)
        {
            return;
        }

        endpoint.UseMessageRetry(r =>
        {
            r.Exponential(sync.ConsumerRetryLimit, sync.ConsumerRetryInterval, sync.ConsumerRetryInterval * 8, sync.ConsumerRetryInterval);
            r.Handle<Exception>(e => IsTransient(e) && !PoolWaits.IsPoolExhausted(e));
        });
    }

    public static bool IsTransient(Exception exception) => exception switch
    {
        RateGateBlockedException => false,
        RateGateBusyException => true,
        GraphApiException graph => graph.Error.IsRetryable,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// True when this failure ends the message: not transient, or the last redelivery has been spent. A full connection
    /// pool never does: the message waits for a connection, however long.
    /// </summary>
    public static bool IsFinal(this ConsumeContext context, Exception exception, SyncOptions sync) =>
        !PoolWaits.IsPoolExhausted(exception) && (!IsTransient(exception) || context.GetRetryAttempt() >= sync.ConsumerRetryLimit);
}

/// <summary>
/// The endpoint set-up both fetcher consumers share: redelivery of transient failures only (a full connection pool's without limit), the in-memory outbox
/// (nothing is published for a delivery that failed), and a concurrency limit from <c>Sync:*</c>.
/// </summary>
public abstract class FetcherConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    readonly SyncOptions _sync;

    protected FetcherConsumerDefinition(SyncOptions sync, string queue, int concurrentMessageLimit)
    {
        _sync = sync;
        Endpoint(e => e.Name = queue);
        ConcurrentMessageLimit = concurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseTransientRetry(_sync);
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
