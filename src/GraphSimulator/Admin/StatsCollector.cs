using System.Collections.Concurrent;
using MetaAdsSync.GraphSimulator.Graph;

namespace MetaAdsSync.GraphSimulator.Admin;

/// <summary>Lock-free counters behind <see cref="SimulatorStats"/>.</summary>
internal sealed class StatsCollector
{
    ConcurrentDictionary<string, Counters> _accounts = new(StringComparer.Ordinal);
    Counters _total = new();

    sealed class Counters
    {
        public readonly ConcurrentDictionary<string, long> ByEndpoint = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, long> BytesByEndpoint = new(StringComparer.Ordinal);
        public long Calls;
        public long Throttled;
        public long PayloadRejections;
        public long TransientErrors;
        public long SlowResponses;
        public long AuthErrors;
        public long CallsWhileBlocked;
        public long ResponseBytes;
        public int InFlight;
        public int MaxInFlight;
    }

    /// <summary>Counts a call and the bytes of its answer's body (<paramref name="bytes"/>), as a client would have to read them.</summary>
    public void Call(string endpoint, string? accountId, long bytes = 0)
    {
        foreach (var counters in Targets(accountId))
        {
            Interlocked.Increment(ref counters.Calls);
            Interlocked.Add(ref counters.ResponseBytes, bytes);
            counters.BytesByEndpoint.AddOrUpdate(endpoint, bytes, (_, n) => n + bytes);
            counters.ByEndpoint.AddOrUpdate(endpoint, 1, (_, n) => n + 1);
        }
    }

    public void Error(ErrorKind kind, string? accountId, bool whileBlocked)
    {
        foreach (var counters in Targets(accountId))
        {
            switch (kind)
            {
                case ErrorKind.Throttle: Interlocked.Increment(ref counters.Throttled); break;
                case ErrorKind.Payload: Interlocked.Increment(ref counters.PayloadRejections); break;
                case ErrorKind.Transient: Interlocked.Increment(ref counters.TransientErrors); break;
                case ErrorKind.Auth: Interlocked.Increment(ref counters.AuthErrors); break;
            }

            if (whileBlocked)
            {
                Interlocked.Increment(ref counters.CallsWhileBlocked);
            }
        }
    }

    public void Slow() => Interlocked.Increment(ref _total.SlowResponses);

    /// <summary>Marks a call in flight for its account until disposed, keeping the highest concurrency seen.</summary>
    public InFlight Enter(string? accountId)
    {
        if (accountId is null)
        {
            return default;
        }

        var counters = _accounts.GetOrAdd(accountId, _ => new Counters());
        var now = Interlocked.Increment(ref counters.InFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref counters.MaxInFlight))
            && Interlocked.CompareExchange(ref counters.MaxInFlight, now, seen) != seen)
        {
        }

        return new InFlight(counters);
    }

    internal readonly struct InFlight : IDisposable
    {
        readonly Counters? _counters;

        internal InFlight(object counters) => _counters = (Counters)counters;

        public void Dispose()
        {
            if (_counters is not null)
            {
                Interlocked.Decrement(ref _counters.InFlight);
            }
        }
    }

    public void Reset()
    {
        _accounts = new(StringComparer.Ordinal);
        _total = new();
    }

    public SimulatorStats Snapshot()
    {
        var total = _total;
        return new SimulatorStats(
            Interlocked.Read(ref total.Calls),
            new SortedDictionary<string, long>(total.ByEndpoint, StringComparer.Ordinal),
            Interlocked.Read(ref total.Throttled),
            Interlocked.Read(ref total.PayloadRejections),
            Interlocked.Read(ref total.TransientErrors),
            Interlocked.Read(ref total.SlowResponses),
            Interlocked.Read(ref total.AuthErrors),
            Interlocked.Read(ref total.CallsWhileBlocked),
            new SortedDictionary<string, AccountStats>(_accounts.ToDictionary(a => a.Key, a => new AccountStats(
                Interlocked.Read(ref a.Value.Calls),
                new SortedDictionary<string, long>(a.Value.ByEndpoint, StringComparer.Ordinal),
                Interlocked.Read(ref a.Value.Throttled),
                Interlocked.Read(ref a.Value.PayloadRejections),
                Interlocked.Read(ref a.Value.TransientErrors),
                Interlocked.Read(ref a.Value.CallsWhileBlocked),
                Volatile.Read(ref a.Value.InFlight),
                Volatile.Read(ref a.Value.MaxInFlight),
                Interlocked.Read(ref a.Value.ResponseBytes))), StringComparer.Ordinal),
            Interlocked.Read(ref total.ResponseBytes),
            new SortedDictionary<string, long>(total.BytesByEndpoint, StringComparer.Ordinal));
    }

    IEnumerable<Counters> Targets(string? accountId)
    {
        yield return _total;
        if (accountId is not null)
        {
            yield return _accounts.GetOrAdd(accountId, _ => new Counters());
        }
    }
}
