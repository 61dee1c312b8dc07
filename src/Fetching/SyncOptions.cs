using System.ComponentModel.DataAnnotations;

namespace MetaAdsSync.Fetching;

/// <summary>The fetchers' part of <c>Sync:*</c>: how much work a sync does and how they take it on (the saga binds the rest of that section, among it <c>InsightMaxAge</c>).</summary>
public sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>A level read completely from Meta more recently than this is answered from PostgreSQL unless the sync is forced.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Sync:EntityMaxAge must be between 0 and 7 days.")]
    public TimeSpan EntityMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Read ARCHIVED campaigns, ad sets and ads too (Meta leaves them out of its edges unless a <c>filtering</c> on
    /// <c>effective_status</c> names them): stored with their status, never eligible for insights, not marked removed.
    /// </summary>
    public bool IncludeArchived { get; set; }

    /// <summary>
    /// FetchEntities messages one EntityFetcher handles at once. A fetch mostly waits on Meta, so this is high: the rate
    /// gate, not the consumer, decides how hard an ad account is pressed; a low cap here only queues whole accounts.
    /// </summary>
    [Range(1, 256, ErrorMessage = "Sync:EntityFetchConcurrency must be between 1 and 256.")]
    public int EntityFetchConcurrency { get; set; } = 32;

    /// <summary>FetchInsightsBatch messages one InsightFetcher handles at once (high for the same reason).</summary>
    [Range(1, 256, ErrorMessage = "Sync:InsightFetchConcurrency must be between 1 and 256.")]
    public int InsightFetchConcurrency { get; set; } = 32;

    /// <summary>Redeliveries of a fetch command after a transient failure (the Graph client has already retried each call).</summary>
    [Range(0, 10, ErrorMessage = "Sync:ConsumerRetryLimit must be between 0 and 10.")]
    public int ConsumerRetryLimit { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Sync:ConsumerRetryInterval must be between 0 and 10 minutes.")]
    public TimeSpan ConsumerRetryInterval { get; set; } = TimeSpan.FromSeconds(2);
}
