using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Fetching;
using Npgsql;

namespace MetaAdsSync.InsightFetcher;

/// <summary>What a read stored and what it cost.</summary>
public readonly record struct InsightBatchOutcome(int Rows, int GraphCalls, int Skipped);

/// <summary>
/// Copies the insights of one level within a partition: one account-level read (Meta filters on the seed's
/// allow-list), every page, one upsert. Whether the level needed reading was the plan's decision.
/// </summary>
public sealed class InsightSync(IMetaGraphClient graph, NpgsqlDataSource database, TimeProvider time, ILogger<InsightSync> logger)
{
    public async Task<InsightBatchOutcome> RunAsync(FetchInsightsBatch command, CancellationToken cancellationToken)
    {
        var account = MetaLevels.AccountNode(command.AccountId);
        var result = await graph.GetInsightsAsync(account, command.Level, command.Partition, command.DatePreset, cancellationToken);
        if (result.Skipped > 0 || result.Warnings.Count > 0)
        {
            logger.LogWarning("{Account} {Level} batch {BatchId}: skipped {Skipped} row(s) without an id or dates; {Warnings}",
                account, command.Level, command.BatchId, result.Skipped, result.Warnings);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var written = await StorageRows.UpsertInsightsAsync(connection, account, command.Level, command.DatePreset, result.Rows, time.GetUtcNow(), command.RunId, command.RunStartedAt, cancellationToken);
        return new InsightBatchOutcome(written, result.GraphCalls, result.Skipped);
    }
}
