namespace MetaAdsSync.GraphSimulator;

/// <summary>
/// What a faithful sync of one account must end up with (<c>GET /_sim/truth/{accountId}</c>): the ids the plain
/// edges list, in their order, which of them get insights, the ARCHIVED and DELETED ones kept out, and the
/// insight rows each date preset has.
/// </summary>
public sealed record AccountTruth(
    string AccountId,
    string Name,
    string Currency,
    string Timezone,
    LevelTruth Campaigns,
    LevelTruth AdSets,
    LevelTruth Ads,
    IReadOnlyDictionary<string, InsightTruth> Insights);

/// <summary>One level: <see cref="Ids"/> is what the edge returns unfiltered; <see cref="EffectiveStatus"/> covers every id.</summary>
public sealed record LevelTruth(
    IReadOnlyList<string> Ids,
    IReadOnlyList<string> InsightEligible,
    IReadOnlyList<string> Archived,
    IReadOnlyList<string> Deleted,
    IReadOnlyDictionary<string, string> EffectiveStatus);

/// <summary>The rows one date preset has, per level, and the dates every row of it carries.</summary>
public sealed record InsightTruth(
    string DateStart,
    string DateStop,
    bool AccountRow,
    IReadOnlyList<string> Campaigns,
    IReadOnlyList<string> AdSets,
    IReadOnlyList<string> Ads);

/// <summary>One line of <c>GET /_sim/truth</c>: an account and its listed and insight-eligible counts.</summary>
public sealed record AccountSummary(string AccountId, string Name, int Campaigns, int AdSets, int Ads, int InsightEligible);
