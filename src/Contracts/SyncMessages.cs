namespace MetaAdsSync.Contracts;

/// <summary>Asks the account's saga to sync it; answered by <see cref="SyncAccepted"/> or <see cref="SyncRejected"/>.</summary>
public record SyncAccountRequested(
    string AccountId,
    Guid RunId,
    string DatePreset,
    SyncTrigger Trigger,
    bool Force,
    DateTimeOffset RequestedAt);

/// <summary>The sync runs; <paramref name="Deduplicated"/> says the request joined a run already in flight.</summary>
public record SyncAccepted(Guid RunId, string AccountId, bool Deduplicated);

/// <summary>The sync was refused, e.g. another date preset is running for the account.</summary>
public record SyncRejected(string AccountId, string Reason, Guid? RunningRunId);

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
