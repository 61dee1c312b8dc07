using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetaAdsSync.RateGate;

/// <summary>
/// Tells this process's waiting callers that some process released a permit of their key: every release notifies
/// <see cref="Channel"/> with the key, and one connection per process listens. A notice wakes one waiter of the key (the
/// longest waiting), not all: a release frees one slot, and waking every waiter had each of them run the acquire
/// statement for it, all but one in vain (a quarter of a fetcher's CPU and much of PostgreSQL's, by perf, with 32
/// messages in flight per fetcher). While it cannot listen, waiters fall back on the poll, so a lost notice costs one
/// poll interval, never a permit.
/// </summary>
sealed class ReleaseSignals(NpgsqlDataSource database, ILogger logger) : IAsyncDisposable
{
    public const string Channel = "rate_gate_released";
    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    readonly ConcurrentDictionary<string, ConcurrentQueue<TaskCompletionSource>> _waiting = new(StringComparer.Ordinal);
    readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly CancellationTokenSource _stop = new();
    readonly Lock _starting = new();
    Task? _listener;
    int _disposed;

    /// <summary>
    /// A place in the key's line: its task completes when a release of the key reaches it. Disposed when the caller stops
    /// waiting on it (it got a permit, or waits again with a new place), so that no notice is spent on it.
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

    async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stop);
                connection.Notification += (_, e) => Wake(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
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
                logger.LogWarning("Rate gate: not listening for released permits ({Error}); waiting callers poll until it listens again", ex.Message);
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
    public sealed class Waiter(ReleaseSignals signals, string key, TaskCompletionSource place) : IDisposable
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
