namespace MetaAdsSync.Contracts;

/// <summary>The token can no longer read the account (Meta answered with a permission or token error).</summary>
public record AccountAccessLost(string AccountId, DateTimeOffset DetectedAt, string Reason);

/// <summary>The token can read the account again after <see cref="AccountAccessLost"/>.</summary>
public record AccountAccessRestored(string AccountId, DateTimeOffset DetectedAt);

/// <summary>The event names a webhook subscribes to, as sent in each delivery's <c>event</c> field.</summary>
public static class WebhookEvents
{
    public const string SyncCompleted = "sync.completed";
    public const string SyncPartial = "sync.partial";
    public const string SyncFailed = "sync.failed";
    public const string SyncTimedOut = "sync.timed_out";
    public const string AccessLost = "account.access_lost";
    public const string AccessRestored = "account.access_restored";

    public static readonly IReadOnlyList<string> All = [SyncCompleted, SyncPartial, SyncFailed, SyncTimedOut, AccessLost, AccessRestored];

    public static string For(SyncOutcome outcome) => outcome switch
    {
        SyncOutcome.Completed => SyncCompleted,
        SyncOutcome.Partial => SyncPartial,
        SyncOutcome.Failed => SyncFailed,
        _ => SyncTimedOut,
    };
}
