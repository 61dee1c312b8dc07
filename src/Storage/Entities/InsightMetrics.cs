namespace MetaAdsSync.Storage.Entities;

/// <summary>What every insights row holds, per preset or per day: Meta's metrics as numbers, its actions as jsonb, and which read wrote them.</summary>
public abstract class InsightMetrics
{
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
}
