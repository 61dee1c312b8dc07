using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>
/// A warm-up's hold on its host's readiness: not ready until the warm-up is done and the JIT has settled after it, or
/// <see cref="Limit"/> after it began counting, whichever comes first: on a machine too busy to finish it, the host
/// serves cold rather than not at all.
/// </summary>
/// <remarks>
/// Settled: fewer than <see cref="QuietMethods"/> methods compiled over at least <see cref="QuietWindow"/>, at most
/// <see cref="SettleLimit"/> after the warm-up. What a warm-up runs gets hot, so the runtime recompiles it at tier 1 on a
/// background thread for a while after the warm-up returns (measured: 1,000 to 2,000 methods per host, several seconds
/// of one core each, in the first sync after every host restarted at once); a host that reported ready at once shared
/// its cores, and the machine's, with those recompiles during that first sync. The sample is taken when readiness is
/// asked, so the hold needs no timer of its own.
/// </remarks>
public sealed class WarmUpHold(string what, ILogger logger)
{
    /// <summary>The longest a warm-up holds readiness back.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <summary>The longest readiness waits for the JIT to settle once the warm-up is done.</summary>
    public static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(5);

    /// <summary>The shortest span the JIT is watched over.</summary>
    public static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>At most this many methods compiled in a window count as settled (the readiness probe's own, a metrics scrape).</summary>
    public const long QuietMethods = 20;

    readonly Stopwatch _counting = new();
    readonly Stopwatch _settling = new();
    readonly Lock _sampling = new();
    long _sampledMethods;
    TimeSpan _sampledAt;
    volatile bool _done;
    volatile bool _ready;

    /// <summary>Starts the <see cref="Limit"/>; a hold created counting starts it at once.</summary>
    public WarmUpHold StartCounting()
    {
        _counting.Start();
        return this;
    }

    public void Done()
    {
        lock (_sampling)
        {
            _sampledMethods = JitInfo.GetCompiledMethodCount();
            _settling.Start();
            _sampledAt = _settling.Elapsed;
        }

        _done = true;
    }

    public HealthCheckResult Check()
    {
        if (_ready)
        {
            return HealthCheckResult.Healthy();
        }

        if (_counting.Elapsed > Limit)
        {
            return Ready();
        }

        return _done ? Settling() : HealthCheckResult.Unhealthy($"Not ready: {what}");
    }

    HealthCheckResult Settling()
    {
        lock (_sampling)
        {
            var at = _settling.Elapsed;
            if (at - _sampledAt < QuietWindow)
            {
                return at > SettleLimit ? Ready() : HealthCheckResult.Unhealthy($"Not ready: {what}: waiting for the JIT to settle");
            }

            var methods = JitInfo.GetCompiledMethodCount();
            var compiled = methods - _sampledMethods;
            var window = at - _sampledAt;
            (_sampledMethods, _sampledAt) = (methods, at);
            if (compiled <= QuietMethods || at > SettleLimit)
            {
                logger.LogInformation("Ready after {What}: the JIT {Settled} {Elapsed} ms after it ({Compiled} methods compiled in the last {Window} ms)",
                    what, compiled <= QuietMethods ? "settled" : "had not settled", (long)at.TotalMilliseconds, compiled, (long)window.TotalMilliseconds);
                return Ready();
            }

            return HealthCheckResult.Unhealthy($"Not ready: {what}: the JIT compiled {compiled} methods in the last {(long)window.TotalMilliseconds} ms");
        }
    }

    HealthCheckResult Ready()
    {
        _ready = true;
        return HealthCheckResult.Healthy();
    }
}
