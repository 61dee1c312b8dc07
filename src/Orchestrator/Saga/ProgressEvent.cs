using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>The run's state as a <see cref="SyncProgressed"/> event: read from the saga as it is, no extra work or query.</summary>
public static class ProgressEvent
{
    /// <summary>Every page and batch the run records adds one; <c>account_syncs</c> holds the same sets, so a reader can count it too.</summary>
    public static long Sequence(AccountSyncState s) => s.PagesSeen.Count + s.BatchesSucceeded.Count + s.BatchesFailed.Count;

    public static SyncProgressed Of(AccountSyncState s) => new(
        s.RunId!.Value,
        s.AccountId,
        Sequence(s),
        RunStatus.Running,
        s.DatePreset,
        s.Trigger,
        s.StartedAt ?? default,
        s.Campaigns,
        s.AdSets,
        s.Ads,
        s.Eligible,
        s.BatchesSent,
        s.BatchesSucceeded.Count,
        s.BatchesFailed.Count,
        s.GraphCalls);
}
