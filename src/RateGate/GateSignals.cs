using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.RateGate;

/// <summary>
/// What the gate's processes tell each other at once, over one listening connection per process: a released permit
/// (<see cref="ReleasedChannel"/>, payload the key; or the key and a count, for slots a report added to its cap), so a
/// caller waiting for that key tries again (one per slot), and a throttle Meta
/// answered (<see cref="BlockedChannel"/>, see <see cref="NotifyBlocked"/>), so that every process holds its callers
/// off without asking PostgreSQL, a permit granted before the throttle's record committed included. While it cannot
/// listen, waiters fall back on the poll and the shared record, so a lost notice costs time, never a permit or a block.
/// A release notice wakes one waiter of the key (the longest waiting), not all: a release frees one slot, and waking
/// every waiter had each of them run the acquire statement for it, all but one in vain (a quarter of a fetcher's CPU
/// and much of PostgreSQL's, by perf, with 32 messages in flight per fetcher).
/// </summary>
sealed class GateSignals(NpgsqlDataSource database, HeardBlocks heard, ILogger logger) : IAsyncDisposable
{
    public const string ReleasedChannel = "rate_gate_released";
    public const string BlockedChannel = "rate_gate_blocked";
    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    readonly ConcurrentDictionary<string, ConcurrentQueue<TaskCompletionSource>> _waiting = new(StringComparer.Ordinal);
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

    /// <summary>
    /// A place in the key's line: its task completes when a release of the key reaches it. Disposed when the caller stops
    /// waiting on it (it got a permit, or waits again with a new place), so that no notice is spent on it. The first
    /// caller starts the listening, so a process hears of blocks from its first call on.
    /// </summary>
    public Waiter Next(string key)
    {
        if (_listener is null)
        {
            lock (_starting)
            {
                _listener ??= Task.Run(() => ListenAsync(_stop.Token));
            }
        }

        var place = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var line = _waiting.GetOrAdd(key, _ => new ConcurrentQueue<TaskCompletionSource>());
        // Places given up at the head go now: without notices (not listening) nothing else would drop them.
        while (line.TryPeek(out var head) && head.Task.IsCompleted && line.TryDequeue(out _))
        {
        }

        line.Enqueue(place);
        return new Waiter(this, key, place);
    }

    /// <summary>Wakes the key's longest-waiting caller still in line; places given up are dropped on the way.</summary>
    void Wake(string key)
    {
        if (!_waiting.TryGetValue(key, out var line))
        {
            return;
        }

        while (line.TryDequeue(out var place))
        {
            if (place.TrySetResult())
            {
                return;
            }
        }
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
        else
        {
            // "key" for a released slot, "key n" for n slots a report added to the key's cap.
            var parts = e.Payload.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var slots = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 1;
            for (var i = 0; i < slots && parts.Length > 0; i++)
            {
                Wake(parts[0]);
            }
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

    /// <summary>A caller's place in a key's line.</summary>
    public sealed class Waiter(GateSignals signals, string key, TaskCompletionSource place) : IDisposable
    {
        bool _waitedOn;

        /// <summary>Completes when a release reaches this place; asking for it means the caller waits on it.</summary>
        public Task Task
        {
            get
            {
                _waitedOn = true;
                return place.Task;
            }
        }

        /// <summary>
        /// Leaves the line. A notice that reached this place while its caller got a permit without waiting (the release
        /// came during its own acquire) is passed on to the next caller, who may still take the freed slot.
        /// </summary>
        public void Dispose()
        {
            if (!place.TrySetCanceled() && !_waitedOn)
            {
                signals.Wake(key);
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
