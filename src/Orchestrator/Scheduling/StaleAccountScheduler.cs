using MassTransit;
using MetaAdsSync.Contracts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.Orchestrator.Scheduling;

/// <summary>
/// Every Scheduler:Interval, requests syncs of accounts never synced or synced longer than Scheduler:StaleAfter ago:
/// accounts with insight-eligible entities first, then other non-empty ones, empty ones last (the seed's option C
/// priorities inside its option D hybrid), at most Scheduler:MaxAccountsPerSweep, spaced by Scheduler:Spacing.
/// With several orchestrators one sweeps at a time (a PostgreSQL advisory lock).
/// </summary>
public sealed class StaleAccountScheduler(
    NpgsqlDataSource database,
    IBus bus,
    IOptions<SchedulerOptions> options,
    TimeProvider time,
    ILogger<StaleAccountScheduler> logger) : BackgroundService
{
    const long SweepLockKey = 0x4D41_5353_5357_4550; // "MASSSWEP"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Stale-account sweep skipped: {Error}", ex.Message);
            }
        }
    }

    public async Task<StaleAccountSweepCompleted> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // The lock is the transaction's: it holds for the sweep and ends with it, also behind a pool in transaction mode
        // (a session's lock would stay on whichever server connection the pool gave back). The transaction writes nothing.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await TryLockAsync(connection, cancellationToken))
        {
            return new StaleAccountSweepCompleted([], Skipped: true);
        }

        var now = time.GetUtcNow();
        var accounts = await StaleAccounts(connection, now - settings.StaleAfter, settings.MaxAccountsPerSweep, cancellationToken);
        var requested = new List<ScheduledSync>();
        foreach (var accountId in accounts)
        {
            if (requested.Count > 0 && settings.Spacing > TimeSpan.Zero)
            {
                await Task.Delay(settings.Spacing, time, cancellationToken);
            }

            var runId = NewId.NextGuid();
            await bus.Publish(new SyncAccountRequested(accountId, runId, settings.DatePreset, SyncTrigger.Scheduled, Force: false, time.GetUtcNow()),
                cancellationToken);
            requested.Add(new ScheduledSync(accountId, runId));
        }

        logger.LogInformation("Stale-account sweep requested {Count} sync(s): {Accounts}", requested.Count, string.Join(", ", accounts));
        await transaction.CommitAsync(CancellationToken.None);
        return new StaleAccountSweepCompleted(requested, Skipped: false);
    }

    static async Task<List<string>> StaleAccounts(NpgsqlConnection connection, DateTimeOffset syncedBefore, int limit, CancellationToken cancellationToken)
    {
        const string eligible = "effective_status = ANY(@eligible)";
        await using var command = new NpgsqlCommand($"""
            SELECT a.id FROM (
                SELECT a.id, a.last_synced_at,
                       EXISTS (SELECT 1 FROM campaigns x WHERE x.account_id = a.id AND {eligible})
                    OR EXISTS (SELECT 1 FROM ad_sets x WHERE x.account_id = a.id AND {eligible})
                    OR EXISTS (SELECT 1 FROM ads x WHERE x.account_id = a.id AND {eligible}) AS has_eligible,
                       EXISTS (SELECT 1 FROM campaigns x WHERE x.account_id = a.id) AS has_entities
                  FROM ad_accounts a
                 WHERE a.refreshed_at IS NOT NULL
                   AND (a.last_synced_at IS NULL OR a.last_synced_at < @before)
                   AND NOT EXISTS (SELECT 1 FROM sync_run_status r WHERE r.account_id = a.id AND r.status = @running)) a
             ORDER BY a.has_eligible DESC, a.has_entities DESC, a.last_synced_at NULLS FIRST, a.id
             LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("eligible", InsightEligibility.Statuses);
        command.Parameters.AddWithValue("running", RunStatus.Running);
        command.Parameters.AddWithValue("before", syncedBefore);
        command.Parameters.AddWithValue("limit", limit);
        var accounts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(reader.GetString(0));
        }

        return accounts;
    }

    static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@key)", connection);
        command.Parameters.AddWithValue("key", SweepLockKey);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
