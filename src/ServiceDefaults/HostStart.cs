using Microsoft.Extensions.Hosting;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>Waiting for the host to have started, for background work that begins only then.</summary>
static class HostStart
{
    /// <summary>Completes once the host has started (true), or once <paramref name="stoppingToken"/> fires first (false).</summary>
    public static async Task<bool> StartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task;
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
