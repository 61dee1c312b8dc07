namespace MetaAdsSync.Storage.Entities;

/// <summary>When a level of an account was last read from Meta completely (every page): the seed's "skip fresh entities".</summary>
public class EntitySyncMark
{
    public required string AccountId { get; set; }
    /// <summary>campaign, adset or ad.</summary>
    public required string Level { get; set; }
    public DateTimeOffset LastFullSyncAt { get; set; }
    public Guid? LastRunId { get; set; }
    /// <summary>The start of that run: an older run's complete read neither moves the mark nor marks anything removed.</summary>
    public DateTimeOffset RunStartedAt { get; set; }
}
