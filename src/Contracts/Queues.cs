namespace MetaAdsSync.Contracts;

/// <summary>
/// The queues a run's work passes through, named once: the hosts that consume them declare them by these names, and the
/// Orchestrator's watchdog reads their depth by them (a name that drifted would read as an empty queue).
/// </summary>
public static class Queues
{
    /// <summary><see cref="Contracts.FetchEntities"/> commands, for the EntityFetchers.</summary>
    public const string FetchEntities = "fetch-entities";

    /// <summary><see cref="Contracts.FetchInsightsBatch"/> commands, for the InsightFetchers.</summary>
    public const string FetchInsightsBatch = "fetch-insights-batch";

    /// <summary>The saga's events, for the Orchestrator.</summary>
    public const string AccountSync = "account-sync";

    /// <summary>Every queue a run's progress passes through.</summary>
    public static IReadOnlyList<string> OfRuns { get; } = [FetchEntities, FetchInsightsBatch, AccountSync];
}
