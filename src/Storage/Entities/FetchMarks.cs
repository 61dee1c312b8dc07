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
    /// <summary>
    /// The start of the last run that read the level completely, fully or incrementally, and ended with every entity
    /// level read: an incremental read asks for what changed since then (less <c>Sync:IncrementalMargin</c>). The start,
    /// not the end, so nothing changed during that run is missed. Null until such a run.
    /// </summary>
    public DateTimeOffset? LastReadRunStartedAt { get; set; }
}
