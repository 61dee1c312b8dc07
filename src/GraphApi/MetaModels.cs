using MetaAdsSync.Contracts;

namespace MetaAdsSync.GraphApi;

/// <summary>An ad account from <c>me/adaccounts</c>: <see cref="Id"/> is <c>act_123</c>, <see cref="AccountId"/> is <c>123</c>.</summary>
public sealed record MetaAdAccount(string Id, string? AccountId, string? Name, string? Currency, string? TimezoneName, int? AccountStatus);

/// <summary>A campaign, ad set or ad as its edge returns it; fields a level does not have stay null.</summary>
public sealed record MetaEntity(
    string Id,
    EntityLevel Level,
    string? Name,
    string? Status,
    string? EffectiveStatus,
    DateTimeOffset? CreatedTime,
    DateTimeOffset? UpdatedTime,
    string? CampaignId = null,
    string? AdSetId = null,
    string? Objective = null,
    long? DailyBudget = null,
    long? LifetimeBudget = null,
    string? CreativeJson = null)
{
    public bool IsEligibleForInsights => InsightEligibility.IsEligible(EffectiveStatus);
}

/// <summary>
/// One page of an entity edge. <see cref="GraphCalls"/> counts every HTTP call the page cost (retries and rejected
/// limits included); <see cref="SkippedWithoutId"/> counts rows Meta sent without an id.
/// </summary>
public sealed record EntityPage(
    int Number,
    IReadOnlyList<MetaEntity> Entities,
    bool IsLast,
    int GraphCalls,
    int Limit,
    int SkippedWithoutId,
    Warnings Warnings);

/// <summary>One insights row: an entity's metrics over <see cref="DateStart"/>..<see cref="DateStop"/>, parsed from Meta's strings.</summary>
public sealed record MetaInsight(
    string EntityId,
    EntityLevel Level,
    DateOnly DateStart,
    DateOnly DateStop,
    long? Impressions,
    long? Reach,
    long? Clicks,
    decimal? Spend,
    decimal? Ctr,
    decimal? Cpc,
    decimal? Cpm,
    decimal? Frequency,
    string? ActionsJson);

/// <summary>The insights of a batch of entities; <see cref="Skipped"/> counts rows without an entity id or dates.</summary>
public sealed record InsightsResult(IReadOnlyList<MetaInsight> Rows, int GraphCalls, int Skipped, Warnings Warnings);

/// <summary>The accounts list and what it cost.</summary>
public sealed record AdAccountsResult(IReadOnlyList<MetaAdAccount> Accounts, int GraphCalls, int Skipped);

/// <summary>Names Meta uses for a level beside its <see cref="EntityLevels.Name"/>: the edge, the fields and the row's id field.</summary>
public static class MetaLevels
{
    public static string Edge(EntityLevel level) => level switch
    {
        EntityLevel.Campaign => "campaigns",
        EntityLevel.AdSet => "adsets",
        _ => "ads",
    };

    public static string IdField(EntityLevel level) => EntityLevels.Name(level) + "_id";

    public static string Fields(EntityLevel level) => level switch
    {
        EntityLevel.Campaign => "id,name,status,effective_status,objective,daily_budget,lifetime_budget,created_time,updated_time",
        EntityLevel.AdSet => "id,name,campaign_id,status,effective_status,daily_budget,lifetime_budget,created_time,updated_time",
        _ => "id,name,campaign_id,adset_id,status,effective_status,created_time,updated_time,creative{id,title,body,image_url,thumbnail_url}",
    };

    public static string InsightFields(EntityLevel level) =>
        level switch
        {
            EntityLevel.Campaign => "campaign_id",
            EntityLevel.AdSet => "campaign_id,adset_id",
            _ => "campaign_id,adset_id,ad_id",
        } + ",impressions,reach,clicks,spend,ctr,cpc,cpm,frequency,actions,date_start,date_stop";

    /// <summary><c>act_123</c> whether the caller said <c>123</c> or <c>act_123</c>.</summary>
    public static string AccountNode(string accountId) =>
        accountId.StartsWith("act_", StringComparison.Ordinal) ? accountId : "act_" + accountId;
}

/// <summary>
/// Objects' <c>effective_status</c> read by id: <see cref="ById"/> holds what Meta answered (DELETED for an id it says
/// does not exist); <see cref="NotAsked"/> the ids left out because the account was throttled.
/// </summary>
public sealed record ObjectStatuses(IReadOnlyDictionary<string, string> ById, IReadOnlyList<string> NotAsked, int GraphCalls);
