namespace MetaAdsSync.Storage.Entities;

/// <summary>What campaigns, ad sets and ads share: Meta's id as key, the owning account, statuses and times.</summary>
public abstract class AdEntity
{
    public required string Id { get; set; }
    public required string AccountId { get; set; }
    public string? Name { get; set; }
    public string? Status { get; set; }
    public string? EffectiveStatus { get; set; }
    public DateTimeOffset? CreatedTime { get; set; }
    public DateTimeOffset? UpdatedTime { get; set; }
    /// <summary>When the run that last saw this object (<see cref="LastRunId"/>) read it.</summary>
    public DateTimeOffset SyncedAt { get; set; }
    public Guid? LastRunId { get; set; }
    /// <summary>
    /// The start of the run that last wrote the row (its upsert or its removal mark): a write of a run that started
    /// earlier is refused, so a late page of an old run never overwrites a newer one. <c>-infinity</c> when unknown.
    /// </summary>
    public DateTimeOffset RunStartedAt { get; set; }
    /// <summary>When a complete read of the level no longer returned the object; null while it is live.</summary>
    public DateTimeOffset? RemovedAt { get; set; }
    public Guid? RemovedByRun { get; set; }
    /// <summary>Why, as Meta answered by id: ARCHIVED or DELETED; null until known (the look-up is skipped while the account is throttled).</summary>
    public string? RemovedReason { get; set; }
}

public class Campaign : AdEntity
{
    public string? Objective { get; set; }
    /// <summary>Minor units of the account's currency, as Meta's budget strings say.</summary>
    public long? DailyBudget { get; set; }
    public long? LifetimeBudget { get; set; }
}

public class AdSet : AdEntity
{
    public string? CampaignId { get; set; }
    public long? DailyBudget { get; set; }
    public long? LifetimeBudget { get; set; }
}

public class Ad : AdEntity
{
    public string? CampaignId { get; set; }
    public string? AdSetId { get; set; }
    /// <summary>
    /// The expanded <c>creative{…}</c> object as Meta returned it: what the upsert writes to <c>ad_creatives</c> when it
    /// changed (<see cref="AdCreative"/>), not a column of <c>ads</c>, which keeps only its hash.
    /// </summary>
    public string? Creative { get; set; }
}

/// <summary>
/// An ad's creative (jsonb), in a table of its own: the creative is most of an ad's size (~1.2 kB) and rarely changes,
/// while every run rewrites every ad row. Written only when its hash (<c>ads.creative_hash</c>) changed; deleted with
/// its ad row, never by the ad's removal mark.
/// </summary>
public class AdCreative
{
    public required string AdId { get; set; }
    public required string Creative { get; set; }
}
