namespace MetaAdsSync.Storage.Entities;

/// <summary>
/// The page size Meta accepted for an edge of an account after refusing a larger one ("please reduce the amount of
/// data"), shared by every process so each learns it once, not once per process and restart.
/// </summary>
public class PageLimit
{
    /// <summary><c>act_123</c>.</summary>
    public required string AccountId { get; set; }
    /// <summary>campaigns, adsets, ads or insights.</summary>
    public required string Edge { get; set; }
    public int Limit { get; set; }
    public DateTimeOffset LearnedAt { get; set; }
}
