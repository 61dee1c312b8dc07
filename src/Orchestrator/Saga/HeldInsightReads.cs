using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// Sends a held insight read (<see cref="Planning.SyncPlanner.HoldsInsights"/>) once a page of its level names an
/// eligible id: one read of the whole level, as a level with nothing eligible last time is small in insights. It joins
/// the ledger before the page's event is done, so the run cannot finish without its answer; it leaves the held set, so
/// a redelivered page or a later one adds nothing. Its id is fixed by the run and the level.
/// </summary>
public static class HeldInsightReads
{
    public static FetchInsightsBatch? Release(AccountSyncState s, EntitiesFetched page)
    {
        if (page.EligibleIds.Count == 0 || s.Ledger.HeldInsights?.Remove(page.Level) != true)
        {
            return null;
        }

        RunProgress.AddedToPlan(s, page.Level, partitions: 1, insights: true);
        return RunProgress.AddInsightRead(s, AccountCorrelation.Batch(s.RunId!.Value, $"{page.Level}/held", 0),
            new InsightRead { Level = page.Level, Partition = Partition.WholeLevel });
    }
}
