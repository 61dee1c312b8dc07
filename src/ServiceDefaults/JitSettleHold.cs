using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>
/// Holds the host's readiness, once it has started, until the runtime stops compiling: the JIT profile's playback, and
/// the tier-1 recompiles of the code its warm-ups made hot (<see cref="CallsBeforeTierOne"/>). A request that arrives
/// while those run shares the cores with them, and runs the unoptimized code they are replacing. At most
/// <see cref="WarmUpHold.Limit"/>; off with <c>JitSettle:Enabled=false</c> (the tests' hosts, which need to serve, not to be fast).
/// </summary>
public sealed class JitSettleHold(IHostApplicationLifetime lifetime, ILogger<JitSettleHold> logger) : BackgroundService, IHealthCheck
{
    /// <summary>
    /// The runtime's call-count threshold: a method is recompiled at tier 1 (optimized) once it has been called this many
    /// times. A warm-up that runs a path this often has its code recompiled before this hold lets the host be ready.
    /// </summary>
    public const int CallsBeforeTierOne = 30;

    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Fewer methods than this compiled in two intervals in a row: settled.</summary>
    const long QuietBelow = 3;

    readonly WarmUpHold _hold = new("letting the JIT settle");

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_hold.Check());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await lifetime.StartedAsync(stoppingToken))
        {
            return;
        }

        _hold.StartCounting();
        var watch = Stopwatch.StartNew();
        var first = JitInfo.GetCompiledMethodCount();
        var last = first;
        var quiet = 0;
        while (quiet < 2 && watch.Elapsed < WarmUpHold.Limit)
        {
            await Task.Delay(Interval, stoppingToken);
            var now = JitInfo.GetCompiledMethodCount();
            quiet = now - last < QuietBelow ? quiet + 1 : 0;
            last = now;
        }

        // Said before the hold lets go, so that a host reported ready has said it.
        logger.LogInformation("JIT settled in {Elapsed} ms after the start: {Methods} methods compiled meanwhile", watch.ElapsedMilliseconds, last - first);
        _hold.Done();
    }
}
