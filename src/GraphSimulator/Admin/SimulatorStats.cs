namespace MetaAdsSync.GraphSimulator;

/// <summary>What the simulator has served since it started or was last reset (<c>GET /_sim/stats</c>).</summary>
public sealed record SimulatorStats(
    long Calls,
    IReadOnlyDictionary<string, long> CallsByEndpoint,
    long ThrottledResponses,
    long PayloadRejections,
    long TransientErrors,
    long SlowResponses,
    long AuthErrors,
    long CallsWhileBlocked,
    IReadOnlyDictionary<string, AccountStats> Accounts);

/// <summary>One ad account's share of <see cref="SimulatorStats"/>; <see cref="MaxInFlight"/> is the most concurrent calls seen.</summary>
public sealed record AccountStats(
    long Calls,
    IReadOnlyDictionary<string, long> CallsByEndpoint,
    long ThrottledResponses,
    long PayloadRejections,
    long TransientErrors,
    long CallsWhileBlocked,
    int InFlight,
    int MaxInFlight);
