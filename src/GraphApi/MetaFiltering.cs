using System.Text.Json;
using MetaAdsSync.Contracts;

namespace MetaAdsSync.GraphApi;

/// <summary>Meta's <c>filtering</c> parameter for what a sync reads: a partition of campaigns, and the seed's insight allow-list (evaluated by Meta).</summary>
public static class MetaFiltering
{
    public sealed record Filter(string Field, string Operator, object Value);

    /// <summary>The filters of a partition: none for the whole level, <c>campaign.id IN</c> or <c>NOT_IN</c> otherwise.</summary>
    public static IEnumerable<Filter> Of(Partition partition) => partition.Kind switch
    {
        PartitionKind.WholeLevel => [],
        PartitionKind.Campaigns => [new("campaign.id", "IN", partition.CampaignIds)],
        _ => [new("campaign.id", "NOT_IN", partition.CampaignIds)],
    };

    /// <summary>
    /// Every <c>effective_status</c> Meta knows for a level but DELETED (deleted objects are never listed by an edge).
    /// Meta leaves ARCHIVED objects out of an unfiltered edge; a filter that names ARCHIVED lists them too.
    /// </summary>
    public static IReadOnlyList<string> StatusesButDeleted(EntityLevel level) => level switch
    {
        EntityLevel.Campaign => CampaignStatuses,
        EntityLevel.AdSet => AdSetStatuses,
        _ => AdStatuses,
    };

    static readonly string[] CampaignStatuses = ["ACTIVE", "PAUSED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES"];
    static readonly string[] AdSetStatuses = [.. CampaignStatuses, "CAMPAIGN_PAUSED"];
    static readonly string[] AdStatuses = [.. AdSetStatuses, "ADSET_PAUSED", "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO"];

    /// <summary>
    /// An entity edge's filters: the partition's, and by default no status filter (Meta's own default, ARCHIVED and
    /// DELETED left out); with <c>Sync:IncludeArchived</c> every status but DELETED, so that ARCHIVED objects are listed too.
    /// </summary>
    public static IReadOnlyList<Filter> Entities(EntityLevel level, Partition partition, bool includeArchived) =>
        includeArchived
            ? [new(EntityLevels.Name(level) + ".effective_status", "IN", StatusesButDeleted(level)), .. Of(partition)]
            : [.. Of(partition)];

    /// <summary>An account-level insights read of one level: its ACTIVE and WITH_ISSUES entities within the partition.</summary>
    public static IReadOnlyList<Filter> Insights(EntityLevel level, Partition partition) =>
        [new(EntityLevels.Name(level) + ".effective_status", "IN", InsightEligibility.Statuses), .. Of(partition)];

    public static string Serialize(IEnumerable<Filter> filters) =>
        JsonSerializer.Serialize(filters.Select(f => new { field = f.Field, @operator = f.Operator, value = f.Value }));
}
