using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Persistence;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.Storage.Entities;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// The saga's endpoint: retry for as long as it takes while the host's connection pool is full (a message is never
/// faulted for it) → retry (optimistic-concurrency conflicts, a unique violation when two first requests race,
/// a database or broker hiccup) → one immediate retry of a delivery that found its cached saga row stale → in-memory outbox (nothing leaves for a message whose handling failed; what does leaves
/// at once, not in order) →
/// partitioned by account, so one process handles an account's events one at a time.
/// </summary>
public sealed class AccountSyncSagaDefinition : SagaDefinition<AccountSyncState>
{
    readonly SagaOptions _options;

    public AccountSyncSagaDefinition(IOptions<SagaOptions> options)
    {
        _options = options.Value;
        Endpoint(e => e.Name = Queues.AccountSync);
        ConcurrentMessageLimit = _options.SagaConcurrency;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<AccountSyncState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseRetryWhilePoolExhausted();
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(12, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
            r.Ignore<Exception>(PoolWaits.IsPoolExhausted);
        });
        // A row this process cached was changed by another Orchestrator: nothing raced at the database, so the delivery
        // goes again at once, on the row loaded from PostgreSQL (its place in the cache is gone), outside the outbox.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Immediate(1);
            r.Handle<Exception>(StaleSagaRowException.IsIn);
        });
        // A new run sends every partition and insight read at once: each waits for the broker's confirm, so they go out
        // side by side rather than one after another. Nothing here depends on their order (a stream skips a progress
        // older than what it showed, and ends on the outcome, read from the database).
        endpointConfigurator.UseInMemoryOutbox(context, o => o.ConcurrentMessageDelivery = true);

        var partition = endpointConfigurator.CreatePartitioner(_options.SagaConcurrency);
        sagaConfigurator.Message<SyncAccountRequested>(x => x.UsePartitioner(partition, m => m.Message.AccountId));
        sagaConfigurator.Message<EntitiesFetched>(x => x.UsePartitioner(partition, m => m.Message.AccountId));
        sagaConfigurator.Message<EntityFetchFailed>(x => x.UsePartitioner(partition, m => m.Message.AccountId));
        sagaConfigurator.Message<Fault<FetchEntities>>(x => x.UsePartitioner(partition, m => m.Message.Message.AccountId));
        sagaConfigurator.Message<InsightsBatchFetched>(x => x.UsePartitioner(partition, m => m.Message.AccountId));
        sagaConfigurator.Message<InsightsBatchFailed>(x => x.UsePartitioner(partition, m => m.Message.AccountId));
        sagaConfigurator.Message<Fault<FetchInsightsBatch>>(x => x.UsePartitioner(partition, m => m.Message.Message.AccountId));
        sagaConfigurator.Message<SyncRunStalled>(x => x.UsePartitioner(partition, m => m.Message.AccountId));
    }
}
