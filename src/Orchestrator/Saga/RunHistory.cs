using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>Where an ended run is written: the account's last-sync columns and the run's sync_runs row.</summary>
public interface IRunHistory
{
    Task RecordAsync(FinishedRun run, CancellationToken cancellationToken);

    /// <summary>Levels whose insights for the preset a run of the account that started at or after <paramref name="since"/> read completely.</summary>
    Task<IReadOnlySet<EntityLevel>> InsightLevelsReadSinceAsync(string accountId, string datePreset, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Daily windows (<c>DailyWindow.Key</c>) a run of the account that started at or after <paramref name="since"/> read completely.</summary>
    Task<IReadOnlySet<string>> DailyLevelsReadSinceAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken);
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
    string? ErrorKind = null,
    string? ErrorDetail = null,
    IReadOnlyList<EntityLevel>? LevelsRead = null,
    IReadOnlyDictionary<EntityLevel, DateTimeOffset>? LevelsReused = null,
    IReadOnlyList<string>? DailyLevelsRead = null,
    RunPlanSummary? Plan = null,
    IReadOnlyList<EntityLevel>? EntityLevelsReadInPartitions = null)
{
    /// <summary>
    /// When the account's data was last read from Meta, as a completed run leaves it: its end, or the oldest read time
    /// of a level it answered from PostgreSQL. Only a completed run moves the account's last_synced_at; otherwise it
    /// keeps the last complete one.
    /// </summary>
    public DateTimeOffset? SyncedAt => Outcome != SyncOutcome.Completed ? null
        : LevelsReused is { Count: > 0 } reused ? Min(reused.Values.Min(), FinishedAt)
        : FinishedAt;

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>The run of a saga whose Outcome and FinishedAt are set.</summary>
    public static FinishedRun Of(AccountSyncState s)
    {
        var finishedAt = s.FinishedAt ?? throw new InvalidOperationException("The run has not finished.");
        var (read, reused) = RunProgress.LevelSources(s);
        return new FinishedRun(s.RunId!.Value, s.AccountId, s.Trigger, s.DatePreset, s.Force, Enum.Parse<SyncOutcome>(s.Outcome!),
            s.StartedAt ?? finishedAt, finishedAt, s.Campaigns, s.AdSets, s.Ads, s.Eligible,
            s.BatchesSent, s.BatchesSucceeded, s.BatchesFailed, s.GraphCalls,
            RunProgress.InsightLevelsRead(s), s.Error, s.RequestedBy, s.ErrorKind, s.ErrorDetail,
            read, reused, RunProgress.DailyLevelsRead(s), s.Plan, RunProgress.PartitionedLevelsRead(s));
    }
}
