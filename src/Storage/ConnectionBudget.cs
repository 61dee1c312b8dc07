namespace MetaAdsSync.Storage;

/// <summary>
/// Each host role's default <c>Postgres:MaxPoolSize</c>, and what a deployment adds up to. A host holds at most its pool
/// plus <see cref="SessionConnections"/>; a connection is held for a statement or a transaction, never across a Graph
/// call, so a pool far smaller than the messages in flight keeps them going (a statement takes a millisecond or two, a
/// Graph call tens to hundreds). The README's "Connection budget" explains the figures; a test holds the sum below 100.
/// </summary>
public static class ConnectionBudget
{
    /// <summary>The saga's partitions (<c>Sync:SagaConcurrency</c>, 16) each hold a transaction per message; the watchdog, the scheduler, the readiness check and a sweep asked through the API one each.</summary>
    public const int Orchestrator = 20;

    /// <summary>API requests, the webhook sender, the accounts refresh and the rate gate: a statement at a time each.</summary>
    public const int Gateway = 8;

    /// <summary>32 messages in flight (<c>Sync:EntityFetchConcurrency</c>): the rate gate's statements around each Graph call, a page's upsert.</summary>
    public const int EntityFetcher = 6;

    /// <summary>32 messages in flight (<c>Sync:InsightFetchConcurrency</c>): the rate gate's statements, a batch's upsert.</summary>
    public const int InsightFetcher = 6;

    /// <summary>Outside the pool, per host: the rate gate's <c>LISTEN</c> (Gateway, fetchers) or the migrator's advisory lock (Orchestrator).</summary>
    public const int SessionConnections = 1;

    /// <summary>The connections a deployment may hold at once with the defaults.</summary>
    public static int Total(int orchestrators, int gateways, int entityFetchers, int insightFetchers) =>
        orchestrators * (Orchestrator + SessionConnections)
        + gateways * (Gateway + SessionConnections)
        + entityFetchers * (EntityFetcher + SessionConnections)
        + insightFetchers * (InsightFetcher + SessionConnections);
}
