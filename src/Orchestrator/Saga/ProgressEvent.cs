using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>The run's state as a <see cref="SyncProgressed"/> event: read from the saga as it is, no extra work or query.</summary>
public static class ProgressEvent
{
    public static SyncProgressed Of(AccountSyncState s) => new(
        s.RunId!.Value,
        s.AccountId,
        s.Sequence,
        RunStatus.Running,
        s.DatePreset,
        s.Trigger,
        s.StartedAt ?? default,
        s.Campaigns,
        s.AdSets,
        s.Ads,
        s.Eligible,
        s.BatchesSent,
        s.BatchesSucceeded,
        s.BatchesFailed,
        s.GraphCalls);
}
