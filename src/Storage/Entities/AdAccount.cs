namespace MetaAdsSync.Storage.Entities;

/// <summary>An ad account as Meta lists it under me/adaccounts, plus where its last sync left it.</summary>
public class AdAccount
{
    /// <summary>Meta's id with its prefix, e.g. <c>act_697495618573979</c>.</summary>
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Currency { get; set; }
    public string? Timezone { get; set; }
    public int? AccountStatus { get; set; }
    /// <summary>When Meta's accounts list last named this account; null for an account only known from a sync request.</summary>
    public DateTimeOffset? RefreshedAt { get; set; }
    public DateTimeOffset? LastSyncedAt { get; set; }
    public string? LastSyncStatus { get; set; }
    public Guid? LastRunId { get; set; }
    public string? LastError { get; set; }
    /// <summary>The plain cause of <see cref="LastError"/> (a <c>SyncErrorKind</c> name).</summary>
    public string? LastErrorKind { get; set; }
    /// <summary>The last error's <c>FailureCause</c> as JSON: Meta's message, the redacted call, when a throttle lifts.</summary>
    public string? LastErrorDetail { get; set; }

    /// <summary>False while the token cannot read the account: unlisted by me/adaccounts, or its edges refused (issue 18).</summary>
    public bool Accessible { get; set; } = true;
    /// <summary>When <see cref="Accessible"/> last changed; null while it never did.</summary>
    public DateTimeOffset? AccessChangedAt { get; set; }
    /// <summary>Why the account is not accessible; null while it is.</summary>
    public string? AccessLostReason { get; set; }
}
