using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.Storage.Upserts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.InsightFetcher;

/// <summary>What a batch stored and what it cost.</summary>
public readonly record struct InsightBatchOutcome(int Rows, int GraphCalls, int Skipped);

/// <summary>
/// Copies the insights of a batch of entities: one Graph call per <c>Sync:InsightBatchSize</c> ids, one upsert, and
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

        var outcome = new InsightBatchOutcome(0, 0, 0);
        foreach (var chunk in ids.Chunk(sync.Value.InsightBatchSize))
        {
            var result = await graph.GetInsightsAsync(account, command.Level, chunk, command.DatePreset, cancellationToken);
            if (result.Skipped > 0 || result.Warnings.Count > 0)
            {
                logger.LogWarning("{Account} {Level} batch {BatchId}: skipped {Skipped} row(s) without an id or dates; {Warnings}",
                    account, level, command.BatchId, result.Skipped, result.Warnings);
            }

            var now = time.GetUtcNow();
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var written = await StorageRows.UpsertInsightsAsync(connection, account, command.Level, command.DatePreset, result.Rows, now, command.RunId, cancellationToken);
            await InsightUpserts.RecordFetchesAsync(connection, account, level, chunk, command.DatePreset, now, command.RunId, cancellationToken);
            outcome = new InsightBatchOutcome(outcome.Rows + written, outcome.GraphCalls + result.GraphCalls, outcome.Skipped + result.Skipped);
        }

        return outcome;
    }
}
