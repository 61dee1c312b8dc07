using MetaAdsSync.Contracts;

namespace MetaAdsSync.GraphApi;

/// <summary>The typed Meta Graph API: what the fetchers and the gateway call. Failures surface as <see cref="GraphApiException"/>.</summary>
public interface IMetaGraphClient
{
    /// <summary><c>me/adaccounts</c>, every page.</summary>
    Task<AdAccountsResult> GetAdAccountsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The level's edge of an account, page by page, following <c>paging.next</c> until Meta gives none. Pages that are
    /// "too much data" are re-asked at half the <c>limit</c>; the working limit is remembered per (account, edge). A
    /// partition other than the whole level is Meta's <c>filtering</c> on <c>campaign.id</c>. ARCHIVED objects are
    /// listed only with <paramref name="includeArchived"/> (a <c>filtering</c> on every status but DELETED).
    /// </summary>
    IAsyncEnumerable<EntityPage> GetEntitiesAsync(
        string accountId, EntityLevel level, Partition partition, CancellationToken cancellationToken, bool includeArchived = false);

    /// <summary>
    /// The <c>effective_status</c> of objects by id (<c>GET /?ids=…&amp;fields=effective_status</c>, 50 ids a call): why
    /// a complete read no longer listed them. An id Meta answers does not exist is DELETED. Never waits for a throttle:
    /// while the account is blocked the ids not yet asked are left out (<see cref="ObjectStatuses.NotAsked"/>).
    /// </summary>
    Task<ObjectStatuses> GetEffectiveStatusesAsync(string accountId, IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Insights of one level's ACTIVE and WITH_ISSUES entities within a partition: one account-level read
    /// (<c>act_…/insights?level=…</c> filtered on <c>&lt;level&gt;.effective_status</c>), every page.
    /// </summary>
    Task<InsightsResult> GetInsightsAsync(string accountId, EntityLevel level, Partition partition, string datePreset, CancellationToken cancellationToken);

    /// <summary>
    /// A row per entity and day of the window for one level within a partition: one account-level read
    /// (<c>act_…/insights?level=…&amp;time_increment=1&amp;time_range=…</c>) without a status filter, since Meta returns
    /// only entities with delivery, every page.
    /// </summary>
    Task<InsightsResult> GetDailyInsightsAsync(string accountId, EntityLevel level, Partition partition, DailyWindow window, CancellationToken cancellationToken);

    /// <summary>The seed's way, one <c>{id}/insights</c> call per entity: only the benchmark's seed baseline (<c>bench/SyncBench</c>) calls it.</summary>
    Task<InsightsResult> GetInsightsPerEntityAsync(string accountId, EntityLevel level, IReadOnlyCollection<string> entityIds, string datePreset, CancellationToken cancellationToken);
}
