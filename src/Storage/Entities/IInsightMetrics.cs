namespace MetaAdsSync.Storage.Entities;

/// <summary>What every insights row holds, per preset or per day: Meta's metrics as numbers, its actions as jsonb, and which read wrote them.</summary>
public interface IInsightMetrics
{
    long? Impressions { get; set; }
    long? Reach { get; set; }
    long? Clicks { get; set; }
    decimal? Spend { get; set; }
    decimal? Ctr { get; set; }
    decimal? Cpc { get; set; }
    decimal? Cpm { get; set; }
    decimal? Frequency { get; set; }
    string? Actions { get; set; }
    DateTimeOffset FetchedAt { get; set; }
    Guid? LastRunId { get; set; }
}
