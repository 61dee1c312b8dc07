namespace MetaAdsSync.Contracts;

/// <summary>Fetch one entity level of an account, page by page.</summary>
public record FetchEntities(Guid RunId, string AccountId, EntityLevel Level, bool Force);

/// <summary>
/// One page of a level is stored; carries the ids of its ACTIVE and WITH_ISSUES entities. <paramref name="Attempt"/> is
/// new for every delivery of <see cref="FetchEntities"/>: page numbers compare only within one attempt, since another
/// attempt may cut the level into other pages (another page size after Meta refused one, or the level answered from
/// PostgreSQL).
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
    Guid Attempt = default);

public record EntityFetchFailed(Guid RunId, string AccountId, EntityLevel Level, string Error);

/// <summary>Fetch insights for up to InsightBatchSize entities of one level in one Graph call.</summary>
public record FetchInsightsBatch(
    Guid RunId,
    string AccountId,
    Guid BatchId,
    EntityLevel Level,
    IReadOnlyList<string> EntityIds,
    string DatePreset,
    bool Force);

public record InsightsBatchFetched(Guid RunId, string AccountId, Guid BatchId, int Rows, int GraphCalls);

public record InsightsBatchFailed(Guid RunId, string AccountId, Guid BatchId, string Error, int GraphCalls);
