using System.Collections.Concurrent;

namespace MetaAdsSync.RateGate;

/// <summary>
/// The blocks this process heard of, by key: from Meta's answer to one of its own calls, at once rather than only once
/// the shared record of the throttle commits, and from the notice of that commit when another process heard it. Its
/// callers check them, with no I/O, right before each call: a caller granted a permit before the block was heard would
/// otherwise call into it. The shared record lasts at least as long (it adds jitter). One entry per key ever throttled,
/// so nothing needs clearing.
/// </summary>
sealed class HeardBlocks(TimeProvider time)
{
    readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);

    public void Hear(IEnumerable<string> keys, TimeSpan blockedFor)
    {
        var until = time.GetUtcNow() + blockedFor;
        foreach (var key in keys)
        {
            _until.AddOrUpdate(key, until, (_, known) => known > until ? known : until);
        }
    }

    /// <summary>How much longer the key, or the whole app, is blocked as far as this process heard (zero when not).</summary>
    public TimeSpan BlockedFor(string key)
    {
        var keyUntil = _until.GetValueOrDefault(key);
        var appUntil = _until.GetValueOrDefault(PostgresRateGate.AppKey);
        var until = keyUntil > appUntil ? keyUntil : appUntil;
        var now = time.GetUtcNow();
        return until > now ? until - now : TimeSpan.Zero;
    }
}
