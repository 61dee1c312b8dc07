using System.Globalization;
using System.Text.Json;
using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage.Upserts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
        // What a run's end writes commits with the saga's new state, or nothing does.
        await transaction.BeginAsync(cancellationToken);
        var db = transaction.Db.Database;
        var connection = (NpgsqlConnection)db.GetDbConnection();
        var status = run.Outcome.ToString();

        // The account, the run's row, the webhooks it owes, the marks of the levels read in partitions and the incremental
        // reads' start: one batch, one round trip, its statements run in this order.
        await using var batch = new NpgsqlBatch(connection, (NpgsqlTransaction?)db.CurrentTransaction?.GetDbTransaction());
        batch.BatchCommands.Add(Statement("""
            INSERT INTO ad_accounts (id, name, last_synced_at, last_sync_status, last_run_id, last_error, last_error_kind, last_error_detail)
            VALUES (@account, @account, @synced_at, @status, @run, @error, @error_kind, @error_detail::jsonb)
            ON CONFLICT (id) DO UPDATE SET
                last_synced_at = COALESCE(EXCLUDED.last_synced_at, ad_accounts.last_synced_at),
                last_sync_status = EXCLUDED.last_sync_status,
                last_run_id = EXCLUDED.last_run_id,
                last_error = EXCLUDED.last_error,
                last_error_kind = EXCLUDED.last_error_kind,
                last_error_detail = EXCLUDED.last_error_detail
            """,
            ("account", run.AccountId), ("synced_at", run.SyncedAt), ("status", status), ("run", run.RunId), ("error", run.Error),
            ("error_kind", run.ErrorKind), ("error_detail", run.ErrorDetail)));

        var entityLevelsReused = (run.LevelsReused ?? new Dictionary<EntityLevel, DateTimeOffset>())
            .Select(r => $"{r.Key}={r.Value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}").ToArray();
        batch.BatchCommands.Add(Statement("""
            INSERT INTO sync_runs (run_id, account_id, trigger, date_preset, force, requested_by, status, started_at, finished_at, duration_ms,
                campaigns, ad_sets, ads, eligible, insight_batches, insight_batches_succeeded, insight_batches_failed, graph_calls, insight_levels_read, daily_levels_read, error,
                error_kind, error_detail, levels_read, levels_reused, plan)
            VALUES (@run, @account, @trigger, @date_preset, @force, @requested_by, @status, @started_at, @finished_at, @duration_ms,
                @campaigns, @ad_sets, @ads, @eligible, @insight_batches, @insight_batches_succeeded, @insight_batches_failed, @graph_calls,
                @insight_levels_read, @daily_levels_read, @error, @error_kind, @error_detail::jsonb, @levels_read, @levels_reused, @plan::jsonb)
            ON CONFLICT (run_id) DO NOTHING
            """,
            ("run", run.RunId), ("account", run.AccountId), ("trigger", run.Trigger), ("date_preset", run.DatePreset), ("force", run.Force),
            ("requested_by", run.RequestedBy), ("status", status), ("started_at", run.StartedAt), ("finished_at", run.FinishedAt),
            ("duration_ms", (long)run.Duration.TotalMilliseconds), ("campaigns", run.Campaigns), ("ad_sets", run.AdSets), ("ads", run.Ads),
            ("eligible", run.Eligible), ("insight_batches", run.InsightBatches), ("insight_batches_succeeded", run.InsightBatchesSucceeded),
            ("insight_batches_failed", run.InsightBatchesFailed), ("graph_calls", run.GraphCalls),
            ("insight_levels_read", run.InsightLevelsRead.Select(l => l.ToString()).ToArray()),
            ("daily_levels_read", (run.DailyLevelsRead ?? []).ToArray()), ("error", run.Error), ("error_kind", run.ErrorKind),
            ("error_detail", run.ErrorDetail), ("levels_read", (run.LevelsRead ?? []).Select(l => l.ToString()).ToArray()),
            ("levels_reused", entityLevelsReused),
            ("plan", run.Plan is null ? null : JsonSerializer.Serialize(run.Plan, JsonSerializerOptions.Web))));
        batch.BatchCommands.Add(OutcomeWebhooks.Command(run));

        // A level read in partitions is complete only now that the run saw every partition done: its mark, and the
        // removal marks of what no partition returned, are the run's to write (their reasons are looked up by the
        // EntityFetcher at the level's next read).
        var partitioned = run.EntityLevelsReadInPartitions ?? [];
        foreach (var level in partitioned)
        {
            batch.BatchCommands.Add(RemovedObjects.CompleteLevel(run.AccountId, level, run.RunId, RunProgress.InMicroseconds(run.StartedAt), run.FinishedAt));
        }

        // Every entity level was read (or replayed): the next incremental reads start from this run's start. A run that
        // ended otherwise moves nothing, so what it stored is read again, its parents' changes with their children. After
        // the marks above: a level read in partitions for the first time (a first sync's ads) has its mark row written
        // just there, and an update before it would leave the level without a start for its next incremental read.
        if (run.Outcome is SyncOutcome.Completed or SyncOutcome.Partial && run.LevelsRead is { Count: > 0 } levels)
        {
            batch.BatchCommands.Add(EntityUpserts.MarkLevelsRead(run.AccountId, levels, RunProgress.InMicroseconds(run.StartedAt)));
        }

        // Only the completions return rows (the ids they marked removed), one result per partitioned level, in order.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        foreach (var level in partitioned)
        {
            var removed = await EntityUpserts.IdsAsync(reader, cancellationToken);
            if (removed.Count > 0)
            {
                logger.LogInformation("{Account} {Level}: {Count} object(s) no longer listed by Meta, marked removed", run.AccountId, level, removed.Count);
            }

            await reader.NextResultAsync(cancellationToken);
        }
    }

    /// <summary>A statement of the batch; a null goes untyped, so PostgreSQL takes its column's type.</summary>
    static NpgsqlBatchCommand Statement(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return command;
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
