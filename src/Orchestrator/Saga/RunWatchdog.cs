using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// Stands in for MassTransit scheduling (no Quartz, no delayed-exchange plugin here): finds runs in flight that are
/// stalled or older than Sync:RunTimeout, and tells their saga. The saga decides (re-drive or time out), so its state
/// keeps a single writer. Rows are claimed FOR UPDATE SKIP LOCKED, so two orchestrators never both report one run in
/// the same sweep.
/// <para>
/// Stalled means lost, not slow: a run is stalled when it made no progress since a moment, at least Sync:StallAfter
/// ago, at which nothing waited in the queues its progress passes through (<see cref="IQueuedWork"/>: the fetch commands,
/// the saga's events). RabbitMQ hands a queue's messages out in order, so every command the run had sent by then
/// (its commands go out with its progress, so before its last progress) had left its queue: to a fetcher that is
/// reading it, or lost (purged, or dropped with a queue). No progress for Sync:StallAfter more, and one was lost. A run
/// whose commands wait behind other accounts' work is not re-driven however deep the queue (on <c>last_progress_at</c>
/// alone, a third of the runs of a 1,000-account request were, and their partitions were read twice); it still ends
/// at Sync:RunTimeout. The price: a lost command is re-driven only once the queues have drained, and one look per queue
/// per sweep, none per message. Neither a back-off of the stall window (the first re-drive still fires in a deep
/// queue) nor the queue's depth alone (a lost command would wait for a queue that never empties) tells the two apart.
/// </para>
/// </summary>
public sealed class RunWatchdog(
    IDbContextFactory<SyncDbContext> contexts,
    IBus bus,
    IQueuedWork queued,
    IOptions<SagaOptions> options,
    TimeProvider time,
    ILogger<RunWatchdog> logger) : BackgroundService
{
    // When a sweep saw nothing waiting in the queues, oldest first: the latest at least StallAfter old and those since.
    readonly List<DateTimeOffset> _drained = [];

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
        // Unknown (the broker did not answer) counts as waiting: no re-drive on a guess; time-outs still apply.
        if (await queued.AnyWaitingAsync(cancellationToken) is false)
        {
            _drained.Add(now);
        }

        var deliveredBy = DeliveredBy(now - settings.StallAfter);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand("""
            SELECT s.run_id, s.account_id FROM account_syncs s JOIN sync_run_status r USING (correlation_id)
            WHERE r.status = @running
              AND (s.last_progress_at < @deliveredBy OR s.started_at < @overdue)
            ORDER BY s.last_progress_at
            LIMIT 100
            FOR UPDATE OF s SKIP LOCKED
            """, connection, (NpgsqlTransaction)transaction.GetDbTransaction());
        command.Parameters.AddWithValue("running", RunStatus.Running);
        command.Parameters.Add(new NpgsqlParameter("deliveredBy", NpgsqlDbType.TimestampTz) { Value = deliveredBy is { } at ? at : DBNull.Value });
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

    /// <summary>
    /// The latest moment, no later than <paramref name="cutoff"/>, at which nothing waited in the queues (null: none seen):
    /// a run with no progress since then is stalled. Older moments are forgotten, as no sweep will need them.
    /// </summary>
    DateTimeOffset? DeliveredBy(DateTimeOffset cutoff)
    {
        var before = _drained.FindLastIndex(t => t <= cutoff);
        if (before < 0)
        {
            return null;
        }

        _drained.RemoveRange(0, before);
        return _drained[0];
    }
}
