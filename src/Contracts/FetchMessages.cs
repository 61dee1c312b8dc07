namespace MetaAdsSync.Contracts;

/// <summary>
/// Fetch one entity level of an account, or one partition of it, page by page. <paramref name="RunStartedAt"/> is when
/// the run began: rows are written only over rows of runs that began no later, so a late page of an older run never
/// wins (a message of the shape before it, <c>default</c>, counts as older than every run). <paramref name="Partition"/>
/// null (a message of an older shape, or a plan that reads the level whole) is <see cref="Contracts.Partition.WholeLevel"/>;
/// <paramref name="PartitionId"/> names the partition in the run's plan and comes back on every page.
/// </summary>
public record FetchEntities(
    Guid RunId,
    string AccountId,
    EntityLevel Level,
    bool Force,
    DateTimeOffset RunStartedAt = default,
    Partition? Partition = null,
    Guid PartitionId = default)
{
    public Partition Reads() => Partition ?? Contracts.Partition.WholeLevel;
}

/// <summary>
/// One page of a level is stored; carries the ids of its ACTIVE and WITH_ISSUES entities. <paramref name="Attempt"/> is
/// new for every delivery of <see cref="FetchEntities"/>: page numbers compare only within one attempt, since another
/// attempt may cut the level into other pages (another page size after Meta refused one, or the level answered from
/// PostgreSQL). <paramref name="ReadAt"/> is set when the level was answered from PostgreSQL: when it was last read
/// from Meta (null when this attempt read Meta itself). <paramref name="PartitionId"/> is the command's (empty from a
/// fetcher of an older shape: the saga then counts the page for the level's only partition, if it has one).
/// </summary>
public record EntitiesFetched(
    Guid RunId,
    string AccountId,
    EntityLevel Level,
    int Page,
    bool IsLastPage,
    int Count,
    IReadOnlyList<string> EligibleIds,
    int GraphCalls,
    Guid Attempt = default,
    DateTimeOffset? ReadAt = null,
    Guid PartitionId = default);

/// <summary>A level failed past its retries; <paramref name="Cause"/> says why in plain words (null from a fetcher of before it existed).</summary>
public record EntityFetchFailed(Guid RunId, string AccountId, EntityLevel Level, string Error, FailureCause? Cause = null);

/// <summary>
/// Which part of a level's edge a command reads: the whole level, the campaigns listed (Meta's <c>filtering</c> on
/// <c>campaign.id IN</c>), or every campaign but those (<c>NOT_IN</c>: campaigns created since the plan's shape).
/// </summary>
public enum PartitionKind
{
    WholeLevel,
    Campaigns,
    OtherCampaigns,
}

public record Partition(PartitionKind Kind, IReadOnlyList<string> CampaignIds)
{
    public static Partition WholeLevel { get; } = new(PartitionKind.WholeLevel, []);
}

/// <summary>
/// The days a daily insights read covers, <paramref name="Since"/> to <paramref name="Until"/> inclusive, in the ad
/// account's own calendar (its <c>timezone_name</c>): Meta's <c>time_range</c> with <c>time_increment=1</c>.
/// </summary>
public record DailyWindow(DateOnly Since, DateOnly Until)
{
    public int Days => Until.DayNumber - Since.DayNumber + 1;

    /// <summary>The last <paramref name="days"/> days of the account's calendar, today included.</summary>
    public static DailyWindow Last(int days, DateOnly today) => new(today.AddDays(1 - days), today);

    /// <summary>How a run records that it read a level's window completely (<c>sync_runs.daily_levels_read</c>).</summary>
    public string Key(EntityLevel level) => FormattableString.Invariant($"{level}:{Since:yyyy-MM-dd}..{Until:yyyy-MM-dd}");
}

/// <summary>
/// Read the insights of one level within a partition: one account-level insights read, paged (whether to read at all
/// was the plan's decision: the fetcher always asks Meta). Without <paramref name="Daily"/>, the preset's aggregate of
/// the ACTIVE and WITH_ISSUES entities; with it, a row per entity and day of the window for every entity Meta has
/// delivery for, whatever its status (no status filter). A message without <paramref name="Partition"/> is of the
/// old shape (it named entity ids) and is dropped; one without <paramref name="Daily"/> (older too) is a preset read.
/// <paramref name="RunStartedAt"/> as in <see cref="FetchEntities"/>.
/// </summary>
public record FetchInsightsBatch(
    Guid RunId,
    string AccountId,
    Guid BatchId,
    EntityLevel Level,
    string DatePreset,
    Partition Partition,
    DateTimeOffset RunStartedAt = default,
    DailyWindow? Daily = null);

public record InsightsBatchFetched(Guid RunId, string AccountId, Guid BatchId, int Rows, int GraphCalls);

public record InsightsBatchFailed(Guid RunId, string AccountId, Guid BatchId, string Error, int GraphCalls, FailureCause? Cause = null);
