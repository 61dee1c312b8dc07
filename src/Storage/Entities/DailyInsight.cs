namespace MetaAdsSync.Storage.Entities;

/// <summary>
/// One entity's metrics for one day of its account's calendar (Meta's <c>time_increment=1</c>). Each sync re-reads
/// the days of <c>Sync:DailyInsightDays</c>, which Meta may restate; older days are never touched again.
/// </summary>
public class DailyInsight : InsightMetrics
{
    public required string AccountId { get; set; }
    /// <summary>campaign, adset or ad: Meta's <c>level</c> parameter.</summary>
    public required string Level { get; set; }
    public required string EntityId { get; set; }
    /// <summary>The day in the account's time zone (Meta's <c>date_start</c>, equal to its <c>date_stop</c>).</summary>
    public DateOnly Date { get; set; }
    /// <summary>When the run that wrote the row began: a later write of an older run never overwrites it.</summary>
    public DateTimeOffset RunStartedAt { get; set; }
}
