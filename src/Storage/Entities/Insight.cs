namespace MetaAdsSync.Storage.Entities;

/// <summary>One insights row: an entity's metrics for one date preset and date range.</summary>
public class Insight : InsightMetrics
{
    public long Id { get; set; }
    public required string AccountId { get; set; }
    /// <summary>campaign, adset or ad: Meta's <c>level</c> parameter.</summary>
    public required string Level { get; set; }
    public required string EntityId { get; set; }
    public required string DatePreset { get; set; }
    public DateOnly DateStart { get; set; }
    public DateOnly DateStop { get; set; }
    /// <summary>The start of the run that wrote the row: a run that started earlier does not overwrite it.</summary>
    public DateTimeOffset RunStartedAt { get; set; }
}
