using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Fetching;
using MetaAdsSync.Storage.Upserts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.InsightFetcher;

/// <summary>What a batch stored and what it cost.</summary>
public readonly record struct InsightBatchOutcome(int Rows, int GraphCalls, int Skipped);

/// <summary>
/// Copies the insights of a batch of entities (the saga cuts batches of <c>Sync:InsightBatchSize</c> ids): one Graph call, one upsert, and
/// a record of every id asked (an entity without delivery has no row, yet counts as fetched). Ids asked within
/// <c>Sync:InsightMaxAge</c> for the same preset are skipped unless forced.
/// </summary>
public sealed class InsightSync(
    IMetaGraphClient graph,
    NpgsqlDataSource database,
    IOptions<SyncOptions> sync,
    TimeProvider time,
    ILogger<InsightSync> logger)
{
    public async Task<InsightBatchOutcome> RunAsync(FetchInsightsBatch command, CancellationToken cancellationToken)
    {
        var account = MetaLevels.AccountNode(command.AccountId);
        var level = EntityLevels.Name(command.Level);
        var ids = command.EntityIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct().ToList();
        if (!command.Force && ids.Count > 0)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var fresh = await InsightUpserts.FetchedSinceAsync(connection, level, ids, command.DatePreset, time.GetUtcNow() - sync.Value.InsightMaxAge, cancellationToken);
            if (fresh.Count > 0)
            {
                logger.LogInformation("{Account} {Level} batch {BatchId}: {Fresh} of {Total} id(s) fetched within Sync:InsightMaxAge; skipped",
                    account, level, command.BatchId, fresh.Count, ids.Count);
                ids.RemoveAll(fresh.Contains);
            }
        }

        if (ids.Count == 0)
        {
            return new InsightBatchOutcome(0, 0, 0);
        }

        var result = await graph.GetInsightsAsync(account, command.Level, ids, command.DatePreset, cancellationToken);
        if (result.Skipped > 0 || result.Warnings.Count > 0)
        {
            logger.LogWarning("{Account} {Level} batch {BatchId}: skipped {Skipped} row(s) without an id or dates; {Warnings}",
                account, level, command.BatchId, result.Skipped, result.Warnings);
        }

        var now = time.GetUtcNow();
        await using var write = await database.OpenConnectionAsync(cancellationToken);
        var written = await StorageRows.UpsertInsightsAsync(write, account, command.Level, command.DatePreset, result.Rows, now, command.RunId, cancellationToken);
        await InsightUpserts.RecordFetchesAsync(write, account, level, ids, command.DatePreset, now, command.RunId, cancellationToken);
        return new InsightBatchOutcome(written, result.GraphCalls, result.Skipped);
    }
}
