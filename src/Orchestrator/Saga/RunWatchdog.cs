using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// Stands in for MassTransit scheduling (no Quartz, no delayed-exchange plugin here): finds runs in flight that
/// made no progress for Sync:StallAfter or are older than Sync:RunTimeout, and tells their saga. The saga decides
/// (re-drive or time out), so its state keeps a single writer. Rows are claimed FOR UPDATE SKIP LOCKED, so two
/// orchestrators never both report one run in the same sweep.
/// </summary>
public sealed class RunWatchdog(
    IDbContextFactory<SyncDbContext> contexts,
    IBus bus,
    IOptions<SagaOptions> options,
    TimeProvider time,
    ILogger<RunWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.WatchdogInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or DbUpdateException or TimeoutException or RequestTimeoutException)
            {
                logger.LogWarning("Watchdog sweep skipped: {Error}", ex.Message);
            }
        }
    }

    /// <summary>One sweep; returns how many runs it reported.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand("""
            SELECT s.run_id, s.account_id FROM account_syncs s JOIN sync_run_status r USING (correlation_id)
            WHERE r.status = @running
              AND (s.last_progress_at < @stalled OR s.started_at < @overdue)
            ORDER BY s.last_progress_at
            LIMIT 100
            FOR UPDATE OF s SKIP LOCKED
            """, connection, (NpgsqlTransaction)transaction.GetDbTransaction());
        command.Parameters.AddWithValue("running", RunStatus.Running);
        command.Parameters.AddWithValue("stalled", now - settings.StallAfter);
        command.Parameters.AddWithValue("overdue", now - settings.RunTimeout);

        var stalled = new List<SyncRunStalled>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stalled.Add(new SyncRunStalled(reader.GetGuid(0), reader.GetString(1), now));
            }
        }

        foreach (var run in stalled)
        {
            await bus.Publish(run, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stalled.Count;
    }
}
