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
    public DateTimeOffset SyncedAt { get; set; }
    public Guid? LastRunId { get; set; }
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
    /// <summary>The expanded <c>creative{…}</c> object as Meta returned it (jsonb).</summary>
    public string? Creative { get; set; }
}
