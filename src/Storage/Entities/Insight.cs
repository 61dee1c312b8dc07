namespace MetaAdsSync.Storage.Entities;

/// <summary>One insights row: an entity's metrics for one date preset and date range.</summary>
public class Insight
{
    public long Id { get; set; }
    public required string AccountId { get; set; }
    /// <summary>campaign, adset or ad: Meta's <c>level</c> parameter.</summary>
    public required string Level { get; set; }
    public required string EntityId { get; set; }
    public required string DatePreset { get; set; }
    public DateOnly DateStart { get; set; }
    public DateOnly DateStop { get; set; }
    public long? Impressions { get; set; }
    public long? Reach { get; set; }
    public long? Clicks { get; set; }
    public decimal? Spend { get; set; }
    public decimal? Ctr { get; set; }
    public decimal? Cpc { get; set; }
    public decimal? Cpm { get; set; }
    public decimal? Frequency { get; set; }
    /// <summary>Meta's <c>actions</c> list as returned (jsonb).</summary>
    public string? Actions { get; set; }
    public DateTimeOffset FetchedAt { get; set; }
    public Guid? LastRunId { get; set; }
    /// <summary>The start of the run that wrote the row: a run that started earlier does not overwrite it.</summary>
    public DateTimeOffset RunStartedAt { get; set; }
}
