namespace MetaAdsSync.GraphSimulator;

/// <summary>
/// What a faithful sync of one account must find now (<c>GET /_sim/truth/{accountId}</c>): the ids the plain edges
/// list, in their order, which of them get insights, the ARCHIVED and DELETED ones kept out, every object's current
/// fields, the insight rows each date preset has, and whether the token can still read the account. It follows every
/// change the admin API makes.
/// </summary>
public sealed record AccountTruth(
    string AccountId,
    string Name,
    string Currency,
    string Timezone,
    LevelTruth Campaigns,
    LevelTruth AdSets,
    LevelTruth Ads,
    IReadOnlyDictionary<string, InsightTruth> Insights,
    bool Accessible,
    int AccountStatus);

/// <summary>
/// One level: <see cref="Ids"/> is what the edge returns unfiltered; <see cref="EffectiveStatus"/> and
/// <see cref="Entities"/> cover every id the level has, ARCHIVED and DELETED ones included (purged ones are gone).
/// </summary>
public sealed record LevelTruth(
    IReadOnlyList<string> Ids,
    IReadOnlyList<string> InsightEligible,
    IReadOnlyList<string> Archived,
    IReadOnlyList<string> Deleted,
    IReadOnlyDictionary<string, string> EffectiveStatus,
    IReadOnlyDictionary<string, EntityTruth> Entities);

/// <summary>An object's fields as the Graph answers them now.</summary>
public sealed record EntityTruth(
    string Id,
    string Name,
    string Status,
    string EffectiveStatus,
    string CampaignId,
    string? AdSetId,
    DateTimeOffset CreatedTime,
    DateTimeOffset UpdatedTime,
    long? DailyBudget,
    long? LifetimeBudget,
    string? CreativeTitle,
    string? CreativeBody);

/// <summary>The rows one date preset has, per level, and the dates every row of it carries.</summary>
public sealed record InsightTruth(
    string DateStart,
    string DateStop,
    bool AccountRow,
    IReadOnlyList<string> Campaigns,
    IReadOnlyList<string> AdSets,
    IReadOnlyList<string> Ads);

/// <summary>
/// The daily rows (<c>time_increment=1</c>) account-level insights return unfiltered for the days from
/// <see cref="Since"/> to <see cref="Until"/> (<c>GET /_sim/truth/{accountId}/daily?since=…&amp;until=…</c>).
/// </summary>
public sealed record DailyTruth(string AccountId, string Since, string Until, IReadOnlyList<DailyRow> Rows);

/// <summary>One entity's day; <see cref="Level"/> is account, campaign, adset or ad, as the <c>level</c> parameter names it.</summary>
public sealed record DailyRow(string Level, string EntityId, string Date, long Impressions, long Reach, long Clicks, decimal Spend);

/// <summary>One line of <c>GET /_sim/truth</c>: an account and its listed and insight-eligible counts.</summary>
public sealed record AccountSummary(
    string AccountId, string Name, int Campaigns, int AdSets, int Ads, int InsightEligible, bool Accessible, int AccountStatus);
