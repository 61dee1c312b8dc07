using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.RateGate;

/// <summary>
/// What the gate's processes tell each other at once, over one listening connection per process: a released permit
/// (<see cref="ReleasedChannel"/>, payload the key), so a caller waiting for that key tries again, and a throttle Meta
/// answered (<see cref="BlockedChannel"/>, see <see cref="NotifyBlocked"/>), so that every process holds its callers
/// off without asking PostgreSQL, a permit granted before the throttle's record committed included. While it cannot
/// listen, waiters fall back on the poll and the shared record, so a lost notice costs time, never a permit or a block.
/// </summary>
sealed class GateSignals(NpgsqlDataSource database, HeardBlocks heard, ILogger logger) : IAsyncDisposable
{
    public const string ReleasedChannel = "rate_gate_released";
    public const string BlockedChannel = "rate_gate_blocked";
    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);
    readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly CancellationTokenSource _stop = new();
    readonly Lock _starting = new();
    Task? _listener;
    int _disposed;

    /// <summary>The blocks this process heard of: from Meta's answers to its own calls, and from other processes' notices.</summary>
    public HeardBlocks Heard => heard;

    /// <summary>
    /// Tells every listening process of a block as the transaction it is part of commits (the throttle's report). The
    /// notice is the block's length in seconds, then the keys it blocks, space-separated (keys hold no spaces).
    /// </summary>
    public static NpgsqlBatchCommand NotifyBlocked(IEnumerable<string> keys, TimeSpan blockedFor)
    {
        var command = new NpgsqlBatchCommand($"SELECT pg_notify('{BlockedChannel}', @notice)");
        command.Parameters.AddWithValue("notice", NpgsqlDbType.Text,
            string.Join(' ', keys.Prepend(blockedFor.TotalSeconds.ToString("R", CultureInfo.InvariantCulture))));
        return command;
    }

    /// <summary>Completes at the key's next release. The first caller starts the listening, so a process hears of blocks from its first call on.</summary>
    public Task Next(string key)
    {
        if (_listener is null)
        {
            lock (_starting)
            {
                _listener ??= Task.Run(() => ListenAsync(_stop.Token));
            }
        }

        return _next.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    /// <summary>Completes once the first LISTEN is in place (or failed: then the poll is all there is).</summary>
    public Task ListeningAsync(CancellationToken cancellationToken) => _listening.Task.WaitAsync(cancellationToken);

    void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == BlockedChannel)
        {
            var parts = e.Payload.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 1 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            {
                heard.Hear(parts[1..], TimeSpan.FromSeconds(seconds));
            }
        }
        else if (_next.TryRemove(e.Payload, out var released))
        {
            released.TrySetResult();
        }
    }

    async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stop);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {ReleasedChannel}; LISTEN {BlockedChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }

                _listening.TrySetResult();
                while (true)
                {
                    await connection.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                _listening.TrySetResult();
                logger.LogWarning("Rate gate: not listening for released permits and blocks ({Error}); waiting callers poll until it listens again", ex.Message);
                try
                {
                    await Task.Delay(RetryAfter, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The host disposes its services once for DisposeAsync and may come again through Dispose.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        if (_listener is not null)
        {
            await _listener;
        }

        _stop.Dispose();
    }
}
