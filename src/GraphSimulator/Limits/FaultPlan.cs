using System.Collections.Concurrent;
using MetaAdsSync.GraphSimulator.Data;

namespace MetaAdsSync.GraphSimulator.Limits;

/// <summary>
/// Faults drawn from the seed, the request (path and query, never the token) and how many times that same
/// request came before. The same calls in the same numbers meet the same faults whatever the interleaving
/// of concurrent workers, and a retry draws afresh.
/// </summary>
internal sealed class FaultPlan
{
    readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);

    public readonly record struct Draw(bool Transient, bool ServiceUnavailable, bool RejectPayload);

    public Draw Next(string requestKey, SimulatorOptions options)
    {
        if (options.TransientErrorRate <= 0 && options.PayloadRejectionRate <= 0)
        {
            return default;
        }

        var key = $"{requestKey}#{_seen.AddOrUpdate(requestKey, 1, (_, n) => n + 1)}";
        return new Draw(
            Rng.Unit(options.Seed, key + "#transient") < options.TransientErrorRate,
            Rng.Unit(options.Seed, key + "#status") < 0.5,
            Rng.Unit(options.Seed, key + "#payload") < options.PayloadRejectionRate);
    }

    /// <summary>Whether this HTTP call answers only after <see cref="SimulatorOptions.SlowResponseMs"/>.</summary>
    public bool IsSlow(string requestKey, SimulatorOptions options) =>
        options.SlowResponseRate > 0
        && Rng.Unit(options.Seed, $"{requestKey}#{_seen.AddOrUpdate("slow:" + requestKey, 1, (_, n) => n + 1)}#slow") < options.SlowResponseRate;

    /// <summary>Whether Meta gives up on this batch sub-request (a <c>null</c> in the batch answer).</summary>
    public bool IsNullInBatch(string requestKey, SimulatorOptions options) =>
        options.BatchNullRate > 0
        && Rng.Unit(options.Seed, $"{requestKey}#{_seen.AddOrUpdate("batch:" + requestKey, 1, (_, n) => n + 1)}#null") < options.BatchNullRate;

    public void Reset() => _seen.Clear();
}
