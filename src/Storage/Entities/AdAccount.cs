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
}
