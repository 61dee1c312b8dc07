namespace MetaAdsSync.Storage.Entities;

/// <summary>When a level of an account was last read from Meta completely (every page): the seed's "skip fresh entities".</summary>
public class EntitySyncMark
{
    public required string AccountId { get; set; }
    /// <summary>campaign, adset or ad.</summary>
    public required string Level { get; set; }
    public DateTimeOffset LastFullSyncAt { get; set; }
    public Guid? LastRunId { get; set; }
}

/// <summary>
/// When an entity's insights for a date preset were last asked of Meta, whether or not a row came back (an entity
/// without delivery has none): the seed's "skip recent insights".
/// </summary>
public class InsightFetch
{
    public required string Level { get; set; }
    public required string EntityId { get; set; }
    public required string DatePreset { get; set; }
    public required string AccountId { get; set; }
    public DateTimeOffset FetchedAt { get; set; }
    public Guid? LastRunId { get; set; }
}
