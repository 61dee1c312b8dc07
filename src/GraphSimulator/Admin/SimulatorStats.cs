namespace MetaAdsSync.GraphSimulator;

/// <summary>
/// What the simulator has served since it started or was last reset (<c>GET /_sim/stats</c>).
/// <see cref="CallsWhileBlocked"/> counts the calls that arrived at a blocked account after an answer had told a
/// client of that block and <see cref="SimulatorOptions.ThrottleNoticeMs"/> had passed; the calls that met it before
/// (the one over budget, those already on their way) are throttled responses only. <see cref="ResponseBytes"/>: the
/// bytes of every answer's body (a batch's answers counted one by one), what a client reads; <see cref="BytesByEndpoint"/>
/// the same per endpoint, as <see cref="CallsByEndpoint"/>.
/// </summary>
public sealed record SimulatorStats(
    long Calls,
    IReadOnlyDictionary<string, long> CallsByEndpoint,
    long ThrottledResponses,
    long PayloadRejections,
    long TransientErrors,
    long SlowResponses,
    long AuthErrors,
    long CallsWhileBlocked,
    IReadOnlyDictionary<string, AccountStats> Accounts,
    long ResponseBytes = 0,
    IReadOnlyDictionary<string, long>? BytesByEndpoint = null);

/// <summary>One ad account's share of <see cref="SimulatorStats"/>; <see cref="MaxInFlight"/> is the most concurrent calls seen.</summary>
public sealed record AccountStats(
    long Calls,
    IReadOnlyDictionary<string, long> CallsByEndpoint,
    long ThrottledResponses,
    long PayloadRejections,
    long TransientErrors,
    long CallsWhileBlocked,
    int InFlight,
    int MaxInFlight,
    long ResponseBytes = 0);
