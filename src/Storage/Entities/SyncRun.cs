namespace MetaAdsSync.Storage.Entities;

/// <summary>The history row of one finished sync run: what ops and the API read after the saga moved on.</summary>
public class SyncRun
{
    public Guid RunId { get; set; }
    public required string AccountId { get; set; }
    public required string Trigger { get; set; }
    public required string DatePreset { get; set; }
    public bool Force { get; set; }
    /// <summary>The id of the API key that started the run; null for the scheduler or an anonymous API.</summary>
    public string? RequestedBy { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public long DurationMs { get; set; }
    public int Campaigns { get; set; }
    public int AdSets { get; set; }
    public int Ads { get; set; }
    public int Eligible { get; set; }
    public int InsightBatches { get; set; }
    public int InsightBatchesSucceeded { get; set; }
    public int InsightBatchesFailed { get; set; }
    public int GraphCalls { get; set; }
    /// <summary>Levels whose insights for the preset this run read completely: what Sync:InsightMaxAge is measured from.</summary>
    public List<string> InsightLevelsRead { get; set; } = [];
    /// <summary>Daily windows this run read completely (<c>Level:since..until</c>): what Sync:InsightMaxAge is measured from for daily rows.</summary>
    public List<string> DailyLevelsRead { get; set; } = [];
    public string? Error { get; set; }
    /// <summary>The plain cause of <see cref="Error"/> (a <c>SyncErrorKind</c> name).</summary>
    public string? ErrorKind { get; set; }
    /// <summary>The error's <c>FailureCause</c> as JSON: Meta's message, the redacted call, when a throttle lifts.</summary>
    public string? ErrorDetail { get; set; }
    /// <summary>Entity levels this run read from Meta.</summary>
    public List<string> LevelsRead { get; set; } = [];
    /// <summary>Entity levels this run answered from PostgreSQL, as <c>Level=when it was read from Meta</c> (round-trip format).</summary>
    public List<string> LevelsReused { get; set; } = [];
    /// <summary>The run's plan (<see cref="RunPlanSummary"/> as JSON): partitions per level and the calls it planned.</summary>
    public string? Plan { get; set; }
}
