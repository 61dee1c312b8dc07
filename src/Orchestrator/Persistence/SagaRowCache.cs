using System.Collections.Concurrent;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>
/// The saga rows this process last committed, so that the next event of an account skips the load's round trip: a run's
/// events are handled one after another per account (the endpoint's partitioner), and a load was a third of each one's
/// round trips. A cached row is only a guess of what is committed: the update still checks the xmin it carries
/// (<c>WHERE xmin = @loaded</c>), so a row another Orchestrator changed since fails that check
/// (<see cref="StaleSagaRowException"/>), nothing of the delivery commits, and its retry loads the row from PostgreSQL.
/// An entry is taken out as it is used and put back only once the transaction that wrote it has committed, so a failed
/// delivery leaves none behind (its instance may hold changes that never committed).
/// <para>
/// The entry is the instance the delivery wrote, handed to the account's next event as it is. It used to be its JSON,
/// read back into a new ledger at every use, and that read was ~8 % of the Orchestrator's CPU in the latency-bound scale
/// bench (<c>perf</c>: the ledger is ~5 kB of JSON, up to ~35 kB with many campaigns). Sharing it is safe because
/// nothing outlives the delivery that wrote it but the messages it published, which the in-memory outbox sends after
/// the account's next event may have begun: those hold only values and records no one changes once made
/// (<see cref="Partition"/> and its id list, <see cref="DailyWindow"/>), never the ledger's own dictionaries.
/// </para>
/// </summary>
public sealed class SagaRowCache
{
    const int MaxRows = 10_000;

    readonly ConcurrentDictionary<Guid, AccountSyncState> _rows = new();

    /// <summary>The row as this process committed it, taken out of the cache; null when there is none.</summary>
    internal AccountSyncState? Take(Guid correlationId) => _rows.TryRemove(correlationId, out var saga) ? saga : null;

    /// <summary>Remembers a row once its transaction has committed.</summary>
    internal void Put(AccountSyncState saved)
    {
        if (_rows.Count >= MaxRows)
        {
            // More accounts in flight than it is worth remembering: start over rather than track their age.
            _rows.Clear();
        }

        _rows[saved.CorrelationId] = saved;
    }
}

/// <summary>The update of a saga row loaded from <see cref="SagaRowCache"/> found it changed since: retried at once, loaded from PostgreSQL.</summary>
public sealed class StaleSagaRowException(Guid correlationId)
    : Exception($"The cached saga row {correlationId} was changed by another writer since this process wrote it.")
{
    /// <summary>True when the failure is this one, as thrown or as MassTransit wrapped it on its way out of the saga.</summary>
    public static bool IsIn(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is StaleSagaRowException)
            {
                return true;
            }
        }

        return false;
    }
}
