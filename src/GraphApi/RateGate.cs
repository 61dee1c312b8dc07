using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.GraphApi;

/// <summary>What a Graph call spends: an ad account's quota for one use case (null account: app-wide calls such as me/adaccounts).</summary>
public readonly record struct RateScope(string? AccountId, MetaUseCase UseCase)
{
    public override string ToString() => $"{AccountId ?? "app"}/{GraphUsage.UseCaseType(UseCase)}";
}

/// <summary>
/// The one door every Graph call passes: <see cref="AcquireAsync"/> before the call (it may wait, or refuse with
/// <see cref="RateGateBlockedException"/> when Meta blocks the scope for longer than the caller may wait), and
/// <see cref="ReportAsync"/> after it with the response's usage headers, on errors too. Keyed by app and by
/// account + use case. The hosts register the PostgreSQL-shared gate (src/RateGate); the process-wide one
/// here is what the bare client falls back to.
/// </summary>
public interface IRateGate
{
    /// <summary>Waits for a slot; dispose the permit when the response is in.</summary>
    ValueTask<IAsyncDisposable> AcquireAsync(RateScope scope, CancellationToken cancellationToken);

    /// <summary>What Meta said about usage; <paramref name="blockedFor"/> is set when the call was throttled.</summary>
    ValueTask ReportAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ReportAsync"/> for the call <paramref name="permit"/> let through, then the permit goes back (disposing it
    /// again does nothing). A gate that keeps its state elsewhere does both in one round trip.
    /// </summary>
    async ValueTask ReportAndReleaseAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, IAsyncDisposable permit, CancellationToken cancellationToken)
    {
        await ReportAsync(scope, usage, blockedFor, cancellationToken);
        await permit.DisposeAsync();
    }

    /// <summary>How much longer Meta blocks the scope (or the whole app); zero when it does not. Never waits: for calls that are skipped rather than delayed while blocked.</summary>
    ValueTask<TimeSpan> BlockedForAsync(RateScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// How much longer this process already knows Meta blocks the scope (or the whole app), asking no one; zero when it
    /// knows of no block. The last check before a call goes out: a block heard of after the permit was granted still stops it.
    /// </summary>
    TimeSpan KnownBlockFor(RateScope scope);
}

/// <summary>
/// Per-process rate gate: a cap on concurrent calls, a pause that grows smoothly as usage rises past
/// <c>RateGate:SlowdownFromPercent</c>, and a block per scope (or app-wide, for code 4) while Meta says it is throttled.
/// </summary>
public sealed class InProcessRateGate : IRateGate, IDisposable
{
    // A block or usage reported for the app (a scope without account, e.g. Meta's code 4) applies to every scope.
    static readonly RateScope AppWide = new(null, MetaUseCase.AdsManagement);

    readonly RateGateOptions _options;
    readonly TimeProvider _time;
    readonly ILogger<InProcessRateGate> _logger;
    readonly SemaphoreSlim _slots;
    readonly ConcurrentDictionary<RateScope, State> _states = new();

    sealed record State(double Percent, DateTimeOffset BlockedUntil);

    public InProcessRateGate(IOptions<RateGateOptions> options, TimeProvider time, ILogger<InProcessRateGate> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrentCalls, _options.MaxConcurrentCalls);
    }

    public async ValueTask<IAsyncDisposable> AcquireAsync(RateScope scope, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = BlockedFor(scope);
            if (wait > _options.MaxThrottleWait)
            {
                throw new RateGateBlockedException(
                    new GraphError(GraphErrorKind.Throttled, $"Meta throttles {scope} for {wait:g} more", RegainAccessIn: wait),
                    $"not waiting longer than RateGate:MaxThrottleWait ({_options.MaxThrottleWait:g})");
            }

            if (wait > TimeSpan.Zero)
            {
                _logger.LogInformation("Rate gate: {Scope} is throttled, waiting {Wait} before the next call", scope, wait);
                await Task.Delay(wait, _time, cancellationToken);
            }

            var pause = Slowdown(scope);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, _time, cancellationToken);
            }

            await _slots.WaitAsync(cancellationToken);
            // A block reported while this caller waited for its slot is waited out before the call, not met by it.
            if (BlockedFor(scope) == TimeSpan.Zero)
            {
                return new Permit(_slots);
            }

            _slots.Release();
        }
    }

    public ValueTask ReportAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var until = blockedFor is { } b && b > TimeSpan.Zero ? now + b : DateTimeOffset.MinValue;
        var percent = usage.PercentFor(scope.UseCase);
        var key = scope.AccountId is null ? AppWide : scope;
        _states.AddOrUpdate(key, _ => new State(percent, until), (_, s) => new State(percent, Later(s.BlockedUntil, until)));
        _states.AddOrUpdate(AppWide, _ => new State(usage.AppPercent, DateTimeOffset.MinValue), (_, s) => s with { Percent = usage.AppPercent });
        return ValueTask.CompletedTask;
    }

    public ValueTask<TimeSpan> BlockedForAsync(RateScope scope, CancellationToken cancellationToken) => ValueTask.FromResult(BlockedFor(scope));

    public TimeSpan KnownBlockFor(RateScope scope) => BlockedFor(scope);

    TimeSpan BlockedFor(RateScope scope)
    {
        var now = _time.GetUtcNow();
        var until = Later(Get(scope).BlockedUntil, Get(AppWide).BlockedUntil);
        return until > now ? until - now : TimeSpan.Zero;
    }

    TimeSpan Slowdown(RateScope scope)
    {
        var percent = Math.Max(Get(scope).Percent, Get(AppWide).Percent);
        var from = _options.SlowdownFromPercent;
        if (percent <= from || from >= 100)
        {
            return TimeSpan.Zero;
        }

        var share = Math.Min(1, (percent - from) / (100 - from));
        return _options.MaxSlowdownDelay * (share * share);
    }

    State Get(RateScope scope) => _states.TryGetValue(scope, out var s) ? s : new State(0, DateTimeOffset.MinValue);

    static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    public void Dispose() => _slots.Dispose();

    sealed class Permit(SemaphoreSlim slots) : IAsyncDisposable
    {
        int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
