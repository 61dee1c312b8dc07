using MetaAdsSync.Contracts;

namespace MetaAdsSync.Storage.Entities;

/// <summary>
/// What a run planned and what has come back, typed (stored as one jsonb document by <see cref="AccountSyncStateMap"/>):
/// each entity partition with its pages per attempt, each insight read with its answer. Keys are the ids the run's
/// commands carry, so a redelivered event finds its entry and changes nothing.
/// </summary>
public sealed class RunLedger
{
    public Dictionary<Guid, EntityPartitionRead> Entities { get; set; } = [];
    public Dictionary<Guid, InsightRead> Insights { get; set; } = [];

    /// <summary>
    /// Campaigns the run's partitions name, when it reads levels in partitions without a remainder; a campaign page
    /// naming one not here adds its reads and adds it here, so a page seen again adds nothing. Null: nothing to add.
    /// </summary>
    public HashSet<string>? KnownCampaigns { get; set; }

    /// <summary>
    /// A first sync's levels read by campaign (no shape was known to cut them at the plan): each campaign page's new
    /// campaigns become at most this many <c>campaign.id IN</c> partitions of the level. Null: none.
    /// </summary>
    public Dictionary<EntityLevel, int>? ByCampaign { get; set; }

    /// <summary>
    /// Partitions beyond one per level the run may still add to <see cref="ByCampaign"/> levels: the budget's room beyond
    /// a sequential read (<c>RateGate:CallBudget</c>), each partition costing at most one call more. Null: no budget.
    /// </summary>
    public int? SpareCalls { get; set; }

    /// <summary>
    /// Levels whose preset insight read waits for a page of the level naming an eligible id (the last complete read
    /// found none); a level leaves the set when its read is sent. Null: none held.
    /// </summary>
    public HashSet<EntityLevel>? HeldInsights { get; set; }

    /// <summary>When the run's last progress event went out: they go out at most once per <c>Sync:ProgressInterval</c>.</summary>
    public DateTimeOffset? ProgressSentAt { get; set; }
}

/// <summary>
/// One partition of an entity level: the pages each attempt (one delivery of its command) announced. With
/// <see cref="UpdatedSince"/>, an incremental read; <see cref="Follows"/> marks a partition the run added to re-read the
/// children of parents whose status changed (a full read of those children).
/// </summary>
public sealed class EntityPartitionRead
{
    public EntityLevel Level { get; set; }
    public Partition Partition { get; set; } = Partition.WholeLevel;
    public DateTimeOffset? UpdatedSince { get; set; }
    public bool Follows { get; set; }
    /// <summary>The one partition of a level read in partitions that looks up why objects left (<see cref="FetchEntities.LooksUpRemovals"/>).</summary>
    public bool LooksUpRemovals { get; set; }
    public Dictionary<Guid, AttemptPages> Attempts { get; set; } = [];
    /// <summary>The first attempt that announced its last page and every page before it; the partition is done.</summary>
    public Guid? CompletedBy { get; set; }

    public bool Done => CompletedBy is not null;
}

/// <summary>The pages of one attempt at a partition, by page number, and its last page once announced.</summary>
public sealed class AttemptPages
{
    public Dictionary<int, PageCount> Pages { get; set; } = [];
    public int? LastPage { get; set; }
    /// <summary>Set when the attempt answered from PostgreSQL: when the level was last read from Meta.</summary>
    public DateTimeOffset? ReadAt { get; set; }

    public int Count => Pages.Values.Sum(p => p.Count);
    public int Eligible => Pages.Values.Sum(p => p.Eligible);
}

public sealed record PageCount(int Count, int Eligible);

public enum InsightReadStatus
{
    Outstanding,
    Succeeded,
    Failed,
}

/// <summary>One planned insights read: a level within a partition (with <see cref="Daily"/>, its daily rows), and its answer.</summary>
public sealed class InsightRead
{
    public EntityLevel Level { get; set; }
    public Partition Partition { get; set; } = Partition.WholeLevel;
    public DailyWindow? Daily { get; set; }
    public InsightReadStatus Status { get; set; }
}

/// <summary>
/// The run's plan as the API shows it: partitions per level, the Graph calls it expects to make, and the entity levels
/// it reads incrementally (only what changed since the last read; null or empty: every level read fully or replayed),
/// and the levels a first sync cuts by campaign as its campaign read names them (<paramref name="ByCampaignLevels"/>):
/// their partitions and calls are added to the summary as they are sent. <paramref name="HeldInsightLevels"/>: levels
/// whose insights are read only if the entity read names an eligible entity (none was last time); a held read that is
/// sent is added to the summary then.
/// </summary>
public sealed record RunPlanSummary(
    IReadOnlyDictionary<string, int> EntityPartitions,
    IReadOnlyDictionary<string, int> InsightPartitions,
    int CallsPlanned,
    string? Limit = null,
    IReadOnlyList<string>? IncrementalLevels = null,
    IReadOnlyList<string>? ByCampaignLevels = null,
    IReadOnlyList<string>? HeldInsightLevels = null);
