using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Fetching;
using Npgsql;

namespace MetaAdsSync.InsightFetcher;

/// <summary>What a read stored and what it cost.</summary>
public readonly record struct InsightBatchOutcome(int Rows, int GraphCalls, int Skipped);

/// <summary>
/// Copies the insights of one level within a partition: one account-level read, every page, one upsert. A preset read
/// stores the aggregate of the seed's allow-list (Meta filters on it); a daily read stores a row per entity and day of
/// its window, whatever the entity's status, into <c>daily_insights</c>, touching no day outside the window. Whether
/// the level needed reading was the plan's decision.
/// </summary>
public sealed class InsightSync(IMetaGraphClient graph, NpgsqlDataSource database, TimeProvider time, ILogger<InsightSync> logger)
{
    public async Task<InsightBatchOutcome> RunAsync(FetchInsightsBatch command, CancellationToken cancellationToken)
    {
        var account = MetaLevels.AccountNode(command.AccountId);
        var result = command.Daily is { } window
            ? await graph.GetDailyInsightsAsync(account, command.Level, command.Partition, window, cancellationToken)
            : await graph.GetInsightsAsync(account, command.Level, command.Partition, command.DatePreset, cancellationToken);
        if (result.Skipped > 0 || result.Warnings.Count > 0)
        {
            logger.LogWarning("{Account} {Level} batch {BatchId}: skipped {Skipped} row(s) without an id or dates; {Warnings}",
                account, command.Level, command.BatchId, result.Skipped, result.Warnings);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var written = command.Daily is { } days
            ? await StorageRows.UpsertDailyInsightsAsync(connection, account, command.Level, InWindow(result.Rows, days, account), now, command.RunId, command.RunStartedAt, cancellationToken)
            : await StorageRows.UpsertInsightsAsync(connection, account, command.Level, command.DatePreset, result.Rows, now, command.RunId, command.RunStartedAt, cancellationToken);
        return new InsightBatchOutcome(written, result.GraphCalls, result.Skipped);
    }

    /// <summary>Only single days of the window are stored: a day outside it is final and never touched, whatever Meta sent.</summary>
    List<MetaInsight> InWindow(IReadOnlyList<MetaInsight> rows, DailyWindow window, string account)
    {
        var kept = rows.Where(r => r.DateStart == r.DateStop && r.DateStart >= window.Since && r.DateStart <= window.Until).ToList();
        if (kept.Count < rows.Count)
        {
            logger.LogWarning("{Account}: {Dropped} daily row(s) outside {Since}..{Until} or longer than a day were not stored",
                account, rows.Count - kept.Count, window.Since, window.Until);
        }

        return kept;
    }
}
