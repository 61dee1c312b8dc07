using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Storage.Upserts;
using Npgsql;

namespace MetaAdsSync.EntityFetcher;

/// <summary>
/// Why objects left the live copy: after a complete read, the level's removed objects whose reason is not known yet
/// are read by id (one <c>GET /?ids=…&amp;fields=effective_status</c> per 50) and Meta's answer, ARCHIVED or DELETED
/// (an id that no longer exists is DELETED), becomes their reason and status. It is worth no wait and no failure:
/// skipped while the account is throttled, and a failure is logged and left for the next complete read to ask again.
/// </summary>
public sealed class RemovalReasons(IMetaGraphClient graph, NpgsqlDataSource database, ILogger<RemovalReasons> logger)
{
    /// <summary>At most this many ids per read (20 calls), so one read after a mass deletion stays short; the rest wait for the next.</summary>
    const int MaxIdsPerRead = 20 * MetaGraphClient.IdsPerCall;

    /// <summary>
    /// Looks the reasons up and records them; returns the Graph calls it spent. A connection is taken per statement,
    /// none held across the Graph calls (the pool is sized for statements, not for waits on Meta).
    /// </summary>
    public async Task<int> RecordAsync(string account, EntityLevel level, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> ids;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            ids = await RemovedObjects.WithoutReasonAsync(connection, account, level, MaxIdsPerRead, cancellationToken);
        }

        if (ids.Count == 0)
        {
            return 0;
        }

        try
        {
            var found = await graph.GetEffectiveStatusesAsync(account, ids, cancellationToken);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await RemovedObjects.RecordReasonsAsync(connection, level, found.ById, cancellationToken);
            logger.LogInformation("{Account} {Level}: {Known} removed object(s) looked up by id ({Statuses}); {NotAsked} left for a later read",
                account, level, found.ById.Count, string.Join(", ", found.ById.Values.CountBy(v => v).Select(c => $"{c.Key} {c.Value}")), found.NotAsked.Count);
            return found.GraphCalls;
        }
        catch (Exception ex) when (ex is GraphApiException or NpgsqlException)
        {
            logger.LogWarning("{Account} {Level}: could not look up why {Count} object(s) left; the next complete read asks again: {Error}",
                account, level, ids.Count, ex.Message);
            return ex is GraphApiException graphError ? graphError.GraphCalls : 0;
        }
    }
}
