using System.Collections.Concurrent;
using Npgsql;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Tells waiters when their runs have finished, with one query for every outstanding run every
/// <see cref="Interval"/> (the saga writes a run's <c>sync_runs</c> row when it ends), so that waiting for 200 runs costs
/// the system under test what waiting for one does. The time a run took is read from that row, not from when it was seen,
/// so the interval only delays when the bench notices, and every poll is CPU of the bench and of PostgreSQL counted in the
/// figures it measures (at 50 ms: 969 queries in a 49 s latency-bound run).
/// </summary>
sealed class RunWatcher : IAsyncDisposable
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    readonly NpgsqlDataSource _database;
    readonly ConcurrentDictionary<Guid, TaskCompletionSource<FinishedRun>> _waiting = new();
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;

    public RunWatcher(NpgsqlDataSource database)
    {
        _database = database;
        _loop = Task.Run(() => WatchAsync(_stop.Token));
    }

    public async Task<FinishedRun> WaitAsync(Guid runId, TimeSpan timeout)
    {
        var waiter = _waiting.GetOrAdd(runId, _ => new TaskCompletionSource<FinishedRun>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            return await waiter.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"run {runId} did not finish within {timeout}");
        }
    }

    async Task WatchAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stop))
        {
            if (_waiting.IsEmpty)
            {
                continue;
            }

            try
            {
                await using var command = _database.CreateCommand(
                    "SELECT run_id, account_id, status, started_at, finished_at, graph_calls FROM sync_runs WHERE run_id = ANY(@ids)");
                command.Parameters.AddWithValue("ids", _waiting.Keys.ToArray());
                await using var reader = await command.ExecuteReaderAsync(stop);
                while (await reader.ReadAsync(stop))
                {
                    var run = new FinishedRun(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                        reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5));
                    if (_waiting.TryRemove(run.RunId, out var waiter))
                    {
                        waiter.TrySetResult(run);
                    }
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // A database that is briefly away is asked again at the next tick; waiters have their own timeout.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }
}
