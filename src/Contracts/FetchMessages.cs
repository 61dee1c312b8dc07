namespace MetaAdsSync.Contracts;

/// <summary>
/// Fetch one entity level of an account, or one partition of it, page by page. <paramref name="Partition"/> null (a
/// message of the older shape, or a plan that reads the level whole) is <see cref="Contracts.Partition.WholeLevel"/>;
/// <paramref name="PartitionId"/> names the partition in the run's plan and comes back on every page.
/// </summary>
public record FetchEntities(Guid RunId, string AccountId, EntityLevel Level, bool Force, Partition? Partition = null, Guid PartitionId = default)
{
    public Partition Reads() => Partition ?? Contracts.Partition.WholeLevel;
}

/// <summary>
/// One page of a level is stored; carries the ids of its ACTIVE and WITH_ISSUES entities. <paramref name="Attempt"/> is
/// new for every delivery of <see cref="FetchEntities"/>: page numbers compare only within one attempt, since another
/// attempt may cut the level into other pages (another page size after Meta refused one, or the level answered from
/// PostgreSQL). <paramref name="PartitionId"/> is the command's (empty from a fetcher of the older shape: the saga
/// then counts the page for the level's only partition, if it has one).
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
    Guid PartitionId = default);

public record EntityFetchFailed(Guid RunId, string AccountId, EntityLevel Level, string Error);

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
/// Read the insights of one level's ACTIVE and WITH_ISSUES entities within a partition, for one preset: one
/// account-level insights read, paged (whether to read at all was the plan's decision: the fetcher always asks Meta).
/// A message without <paramref name="Partition"/> is of the old shape (it named
/// entity ids) and is dropped.
/// </summary>
public record FetchInsightsBatch(
    Guid RunId,
    string AccountId,
    Guid BatchId,
    EntityLevel Level,
    string DatePreset,
    Partition Partition);

public record InsightsBatchFetched(Guid RunId, string AccountId, Guid BatchId, int Rows, int GraphCalls);

public record InsightsBatchFailed(Guid RunId, string AccountId, Guid BatchId, string Error, int GraphCalls);
