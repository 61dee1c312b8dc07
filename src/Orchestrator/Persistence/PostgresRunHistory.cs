using System.Globalization;
using System.Text.Json;
using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage.Upserts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>
/// The run history on PostgreSQL, with the webhook deliveries each end owes, written through the saga repository's DbContext: the account, the sync_runs row and
/// the saga's new state commit together or not at all. A redelivered end writes the row once.
/// </summary>
public sealed class PostgresRunHistory(SagaTransaction transaction, ILogger<PostgresRunHistory> logger) : IRunHistory
{
    public async Task RecordAsync(FinishedRun run, CancellationToken cancellationToken)
    {
        var db = transaction.Db.Database;
        var status = run.Outcome.ToString();
        await db.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO ad_accounts (id, name, last_synced_at, last_sync_status, last_run_id, last_error, last_error_kind, last_error_detail)
            VALUES ({run.AccountId}, {run.AccountId}, {run.SyncedAt}, {status}, {run.RunId}, {run.Error}, {run.ErrorKind}, {run.ErrorDetail}::jsonb)
            ON CONFLICT (id) DO UPDATE SET
                last_synced_at = COALESCE(EXCLUDED.last_synced_at, ad_accounts.last_synced_at),
                last_sync_status = EXCLUDED.last_sync_status,
                last_run_id = EXCLUDED.last_run_id,
                last_error = EXCLUDED.last_error,
                last_error_kind = EXCLUDED.last_error_kind,
                last_error_detail = EXCLUDED.last_error_detail
            """, cancellationToken);

        var durationMs = (long)run.Duration.TotalMilliseconds;
        var levelsRead = run.InsightLevelsRead.Select(l => l.ToString()).ToList();
        var dailyRead = run.DailyLevelsRead?.ToList() ?? [];
        var entityLevelsRead = (run.LevelsRead ?? []).Select(l => l.ToString()).ToList();
        var entityLevelsReused = (run.LevelsReused ?? new Dictionary<EntityLevel, DateTimeOffset>())
            .Select(r => $"{r.Key}={r.Value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}").ToList();
        var plan = run.Plan is null ? null : JsonSerializer.Serialize(run.Plan, JsonSerializerOptions.Web);
        await db.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO sync_runs (run_id, account_id, trigger, date_preset, force, requested_by, status, started_at, finished_at, duration_ms,
                campaigns, ad_sets, ads, eligible, insight_batches, insight_batches_succeeded, insight_batches_failed, graph_calls, insight_levels_read, daily_levels_read, error,
                error_kind, error_detail, levels_read, levels_reused, plan)
            VALUES ({run.RunId}, {run.AccountId}, {run.Trigger}, {run.DatePreset}, {run.Force}, {run.RequestedBy}, {status}, {run.StartedAt}, {run.FinishedAt},
                {durationMs}, {run.Campaigns}, {run.AdSets}, {run.Ads}, {run.Eligible}, {run.InsightBatches}, {run.InsightBatchesSucceeded},
                {run.InsightBatchesFailed}, {run.GraphCalls}, {levelsRead}, {dailyRead}, {run.Error},
                {run.ErrorKind}, {run.ErrorDetail}::jsonb, {entityLevelsRead}, {entityLevelsReused}, {plan}::jsonb)
            ON CONFLICT (run_id) DO NOTHING
            """, cancellationToken);
        await OutcomeWebhooks.RecordAsync(transaction.Db, run, cancellationToken);

        // A level read in partitions is complete only now that the run saw every partition done: its mark, and the
        // removal marks of what no partition returned, are the run's to write (their reasons are looked up by the
        // EntityFetcher at the level's next read).
        var connection = (NpgsqlConnection)db.GetDbConnection();
        foreach (var level in run.EntityLevelsReadInPartitions ?? [])
        {
            var removed = await RemovedObjects.CompleteLevelAsync(
                connection, run.AccountId, level, run.RunId, RunProgress.InMicroseconds(run.StartedAt), run.FinishedAt, cancellationToken);
            if (removed.Count > 0)
            {
                logger.LogInformation("{Account} {Level}: {Count} object(s) no longer listed by Meta, marked removed", run.AccountId, level, removed.Count);
            }
        }
    }

    public async Task<IReadOnlySet<EntityLevel>> InsightLevelsReadSinceAsync(string accountId, string datePreset, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var levels = await transaction.Db.Database.SqlQuery<string>($"""
            SELECT DISTINCT unnest(insight_levels_read) AS "Value" FROM sync_runs
             WHERE account_id = {accountId} AND date_preset = {datePreset} AND started_at >= {since}
            """).ToListAsync(cancellationToken);
        return levels.Select(Enum.Parse<EntityLevel>).ToHashSet();
    }

    public async Task<IReadOnlySet<string>> DailyLevelsReadSinceAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken) =>
        (await transaction.Db.Database.SqlQuery<string>($"""
            SELECT DISTINCT unnest(daily_levels_read) AS "Value" FROM sync_runs
             WHERE account_id = {accountId} AND started_at >= {since}
            """).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
}
