namespace MetaAdsSync.Contracts;

/// <summary>
/// Asks the account's saga to sync it; answered by <see cref="SyncAccepted"/> or <see cref="SyncRejected"/>.
/// <paramref name="RequestedBy"/> is the id of the API key that asked (never the key), null for the scheduler or an
/// anonymous API: a run it starts counts against that key's running syncs.
/// </summary>
public record SyncAccountRequested(
    string AccountId,
    Guid RunId,
    string DatePreset,
    SyncTrigger Trigger,
    bool Force,
    DateTimeOffset RequestedAt,
    string? RequestedBy = null)
{
    /// <summary>The seed's preset: what a sync asks for, and the insights shown, when the caller names none.</summary>
    public const string DefaultDatePreset = "last_7d";
}

/// <summary>The sync runs; <paramref name="Deduplicated"/> says the request joined a run already in flight.</summary>
public record SyncAccepted(Guid RunId, string AccountId, bool Deduplicated);

/// <summary>The sync was refused, e.g. another date preset is running for the account.</summary>
public record SyncRejected(string AccountId, string Reason, Guid? RunningRunId);

/// <summary>
/// A run advanced: published by the saga each time it records a page or an insight batch, with the run's counts so far.
/// <paramref name="Sequence"/> grows by one per page or batch recorded in the run (a message handled twice repeats it),
/// so a client resuming a stream after event N skips what it has seen.
/// </summary>
public record SyncProgressed(
    Guid RunId,
    string AccountId,
    long Sequence,
    string Status,
    string DatePreset,
    string Trigger,
    DateTimeOffset StartedAt,
    int Campaigns,
    int AdSets,
    int Ads,
    int Eligible,
    int InsightBatches,
    int InsightBatchesSucceeded,
    int InsightBatchesFailed,
    int GraphCalls);

public record AccountSyncCompleted(
    Guid RunId,
    string AccountId,
    SyncOutcome Outcome,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Campaigns,
    int AdSets,
    int Ads,
    int Eligible,
    int InsightBatches,
    int InsightBatchesFailed,
    int GraphCalls);

public record AccountSyncFailed(Guid RunId, string AccountId, DateTimeOffset FinishedAt, string Error);

public record AccountSyncTimedOut(Guid RunId, string AccountId, DateTimeOffset FinishedAt, TimeSpan RunTimeout);

/// <summary>The watchdog's word to a saga: this run made no progress lately or is past its timeout.</summary>
public record SyncRunStalled(Guid RunId, string AccountId, DateTimeOffset DetectedAt);

/// <summary>Asks the Orchestrator's stale-account scheduler to sweep now (the cron endpoint); answered by <see cref="StaleAccountSweepCompleted"/>.</summary>
public record RunStaleAccountSweep(DateTimeOffset RequestedAt);

/// <summary>What a sweep requested; <paramref name="Skipped"/> when another orchestrator was sweeping already.</summary>
public record StaleAccountSweepCompleted(IReadOnlyList<ScheduledSync> Requested, bool Skipped);

public record ScheduledSync(string AccountId, Guid RunId);
