namespace MetaAdsSync.Contracts;

/// <summary>
/// Fetch one entity level of an account, or one partition of it, page by page. <paramref name="RunStartedAt"/> is when
/// the run began: rows are written only over rows of runs that began no later, so a late page of an older run never
/// wins (a message of the shape before it, <c>default</c>, counts as older than every run). <paramref name="Partition"/>
/// null (a message of an older shape, or a plan that reads the level whole) is <see cref="Contracts.Partition.WholeLevel"/>;
/// <paramref name="PartitionId"/> names the partition in the run's plan and comes back on every page.
/// <paramref name="UpdatedSince"/> makes it an incremental read: only objects Meta changed after that time
/// (<c>&lt;level&gt;.updated_time GREATER_THAN</c>, epoch seconds); such a read never completes the level for removals.
/// Null (and in older messages) reads everything. <paramref name="LooksUpRemovals"/>: the partition of a level read in
/// partitions that, at its end, asks Meta why objects the last full read marked removed left (one per level and run,
/// so concurrent partitions do not ask for the same ids); a whole level always does. <paramref name="Redriven"/>: sent
/// again by the saga's re-drive; such a command (and any redelivered one) is acknowledged without a Graph call when the
/// saga has already recorded its partition done or its run ended (false in older messages: read as before).
/// </summary>
public record FetchEntities(
    Guid RunId,
    string AccountId,
    EntityLevel Level,
    bool Force,
    DateTimeOffset RunStartedAt = default,
    Partition? Partition = null,
    Guid PartitionId = default,
    DateTimeOffset? UpdatedSince = null,
    bool LooksUpRemovals = false,
    bool Redriven = false)
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
/// <paramref name="StatusChangedIds"/>: campaigns or ad sets of the page whose <c>status</c> or <c>effective_status</c>
/// differs from the stored copy (or that this run already stored, so a redelivered page loses none): Meta does not
/// touch a child's <c>updated_time</c> when its parent is paused, so the saga re-reads their children in a run that
/// reads the child level incrementally. Null from a fetcher of before it, and for ads. <paramref name="CampaignIds"/>:
/// on a page of campaigns, the ids it lists, so the saga finds campaigns created since its plan (null on other levels).
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
    Guid PartitionId = default,
    IReadOnlyList<string>? StatusChangedIds = null,
    IReadOnlyList<string>? CampaignIds = null);

/// <summary>A level failed past its retries; <paramref name="Cause"/> says why in plain words (null from a fetcher of before it existed).</summary>
public record EntityFetchFailed(Guid RunId, string AccountId, EntityLevel Level, string Error, FailureCause? Cause = null);

/// <summary>
/// Which part of a level's edge a command reads: the whole level, the campaigns listed (Meta's <c>filtering</c> on
/// <c>campaign.id IN</c>), every campaign but those (<c>NOT_IN</c>: campaigns created since the plan's shape, asked up
/// front only by a run that does not read campaigns from Meta), or the
/// ads of the ad sets listed (<c>adset.id IN</c>: children of ad sets whose status changed).
/// </summary>
public enum PartitionKind
{
    WholeLevel,
    Campaigns,
    OtherCampaigns,
    AdSets,
}

/// <summary>A part of a level; <paramref name="CampaignIds"/> holds the ad set ids for <see cref="PartitionKind.AdSets"/>.</summary>
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
/// <paramref name="RunStartedAt"/> and <paramref name="Redriven"/> as in <see cref="FetchEntities"/> (a re-driven read the
/// saga has already recorded answered is acknowledged without a Graph call).
/// </summary>
public record FetchInsightsBatch(
    Guid RunId,
    string AccountId,
    Guid BatchId,
    EntityLevel Level,
    string DatePreset,
    Partition Partition,
    DateTimeOffset RunStartedAt = default,
    DailyWindow? Daily = null,
    bool Redriven = false);

public record InsightsBatchFetched(Guid RunId, string AccountId, Guid BatchId, int Rows, int GraphCalls);

public record InsightsBatchFailed(Guid RunId, string AccountId, Guid BatchId, string Error, int GraphCalls, FailureCause? Cause = null);
