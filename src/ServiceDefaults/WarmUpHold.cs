using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>
/// A warm-up's hold on its host's readiness: not ready until the warm-up is done, or <see cref="Limit"/> after it began
/// counting, whichever comes first: on a machine too busy to finish it, the host serves cold rather than not at all.
/// </summary>
public sealed class WarmUpHold(string what)
{
    /// <summary>The longest a warm-up holds readiness back.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    readonly Stopwatch _counting = new();
    volatile bool _done;

    /// <summary>Starts the <see cref="Limit"/>; a hold created counting starts it at once.</summary>
    public WarmUpHold StartCounting()
    {
        _counting.Start();
        return this;
    }

    public void Done() => _done = true;

    public HealthCheckResult Check() =>
        _done || _counting.Elapsed > Limit ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"Not ready: {what}");
}
