using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>Where an ended run is written: the account's last-sync columns and the run's sync_runs row.</summary>
public interface IRunHistory
{
    Task RecordAsync(FinishedRun run, CancellationToken cancellationToken);

    /// <summary>Levels whose insights for the preset a run of the account that started at or after <paramref name="since"/> read completely.</summary>
    Task<IReadOnlySet<EntityLevel>> InsightLevelsReadSinceAsync(string accountId, string datePreset, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>
/// How a run ended, as the account and the run history keep it. <paramref name="EntityLevelsReadInPartitions"/>: levels
/// read from Graph in several partitions, every one of them done; only the run knows such a level was read completely,
/// so the history marks it (a level read whole was marked by the EntityFetcher at its last page).
/// </summary>
public sealed record FinishedRun(
    Guid RunId,
    string AccountId,
    string Trigger,
    string DatePreset,
    bool Force,
    SyncOutcome Outcome,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Campaigns,
    int AdSets,
    int Ads,
    int Eligible,
    int InsightBatches,
    int InsightBatchesSucceeded,
    int InsightBatchesFailed,
    int GraphCalls,
    IReadOnlyList<EntityLevel> InsightLevelsRead,
    string? Error,
    string? RequestedBy = null,
    RunPlanSummary? Plan = null,
    IReadOnlyList<EntityLevel>? EntityLevelsReadInPartitions = null)
{
    /// <summary>Only a completed run moves the account's last_synced_at; otherwise it keeps the last complete one.</summary>
    public DateTimeOffset? SyncedAt => Outcome == SyncOutcome.Completed ? FinishedAt : null;

    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>The run of a saga whose Outcome and FinishedAt are set.</summary>
    public static FinishedRun Of(AccountSyncState s)
    {
        var finishedAt = s.FinishedAt ?? throw new InvalidOperationException("The run has not finished.");
        return new FinishedRun(s.RunId!.Value, s.AccountId, s.Trigger, s.DatePreset, s.Force, Enum.Parse<SyncOutcome>(s.Outcome!),
            s.StartedAt ?? finishedAt, finishedAt, s.Campaigns, s.AdSets, s.Ads, s.Eligible,
            s.BatchesSent, s.BatchesSucceeded, s.BatchesFailed, s.GraphCalls,
            RunProgress.InsightLevelsRead(s), s.Error, s.RequestedBy, s.Plan, RunProgress.PartitionedLevelsRead(s));
    }
}
