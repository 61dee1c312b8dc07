using MetaAdsSync.Contracts;

namespace MetaAdsSync.Orchestrator.Planning;

/// <summary>A campaign as PostgreSQL last knew it: its ad sets and ads, and how many of each were eligible for insights.</summary>
public sealed record CampaignShape(string Id, bool Eligible, int AdSets, int EligibleAdSets, int Ads, int EligibleAds)
{
    public int Rows(EntityLevel level) => level switch
    {
        EntityLevel.Campaign => 1,
        EntityLevel.AdSet => AdSets,
        _ => Ads,
    };

    public int InsightRows(EntityLevel level) => level switch
    {
        EntityLevel.Campaign => Eligible ? 1 : 0,
        EntityLevel.AdSet => EligibleAdSets,
        _ => EligibleAds,
    };
}

/// <summary>What the gate lets the account spend now (entity reads and insight reads are separate use cases at Meta).</summary>
/// <param name="AllowedConcurrency">The cap of the account's key at the rate gate; null before its first call.</param>
/// <param name="UsagePercent">The usage Meta last reported for the key.</param>
public sealed record AccountRoom(int? AllowedConcurrency, double UsagePercent)
{
    public static AccountRoom Unknown { get; } = new(null, 0);
}

/// <summary>
/// The account as the last runs left it in PostgreSQL: its campaigns with their children, the page sizes the fetchers
/// use for it (<c>page_limits</c>, learned when Meta asked for less data), when each level was last read completely,
/// and its room at the rate gate per use case, with the calls its budget window holds (<paramref name="WindowUsed"/>,
/// null until a call was counted under <c>RateGate:CallBudget</c>), and the daily insight rows it holds per level and
/// campaign within the last <c>Sync:DailyInsightDays</c> (<paramref name="DailyRowsByCampaign"/>, keyed
/// <c>level/campaign id</c>). No campaigns means a first sync: each level is read whole. <paramref name="LevelsLastRead"/>:
/// the start of the last run that read each level completely, fully or incrementally, with every other level
/// (<c>entity_sync_marks.last_read_run_started_at</c>), from which an incremental read asks for changes.
/// <paramref name="Unsettled"/>: levels with rows a later run wrote (one that did not read every level): a status
/// change it stored may not have reached the children, so the levels below are read fully.
/// </summary>
public sealed record AccountShape(
    IReadOnlyList<CampaignShape> Campaigns,
    IReadOnlyDictionary<string, int> PageLimits,
    IReadOnlyDictionary<EntityLevel, DateTimeOffset> LevelsReadAt,
    AccountRoom Entities,
    AccountRoom Insights,
    int? WindowUsed = null,
    IReadOnlyDictionary<string, int>? DailyRowsByCampaign = null,
    IReadOnlyDictionary<EntityLevel, DateTimeOffset>? LevelsLastRead = null,
    IReadOnlySet<EntityLevel>? Unsettled = null)
{
    public static AccountShape Empty { get; } = new([], new Dictionary<string, int>(), new Dictionary<EntityLevel, DateTimeOffset>(), AccountRoom.Unknown, AccountRoom.Unknown);

    /// <summary>Daily rows the last window held for the level within the campaign: the size of its next daily read.</summary>
    public int DailyRows(EntityLevel level, string campaignId) => DailyRowsByCampaign?.GetValueOrDefault(DailyKey(level, campaignId)) ?? 0;

    static string DailyKey(EntityLevel level, string campaignId) => DailyKey(EntityLevels.Name(level), campaignId);

    /// <summary>The key of <see cref="DailyRowsByCampaign"/>: Meta's level name (as <c>daily_insights.level</c> holds it) and the campaign.</summary>
    public static string DailyKey(string levelName, string campaignId) => $"{levelName}/{campaignId}";
}

/// <summary>Reads an account's last known shape (PostgreSQL in the host, a fixed one in the specs).</summary>
public interface IAccountShapes
{
    Task<AccountShape> ReadAsync(string accountId, CancellationToken cancellationToken);
}
