using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetaAdsSync.RateGate;

/// <summary>
/// Tells this process's waiting callers that some process released a permit of their key: every release notifies
/// <see cref="Channel"/> with the key, and one connection per process listens. While it cannot listen, waiters fall back
/// on the poll, so a lost notice costs one poll interval, never a permit.
/// </summary>
sealed class ReleaseSignals(NpgsqlDataSource database, ILogger logger) : IAsyncDisposable
{
    public const string Channel = "rate_gate_released";
    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);
    readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly CancellationTokenSource _stop = new();
    readonly Lock _starting = new();
    Task? _listener;
    int _disposed;

    /// <summary>Completes at the key's next release.</summary>
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

    async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stop);
                connection.Notification += (_, e) =>
                {
                    if (_next.TryRemove(e.Payload, out var released))
                    {
                        released.TrySetResult();
                    }
                };
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
