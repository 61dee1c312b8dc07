using System.Collections.Concurrent;

namespace MetaAdsSync.GraphApi;

/// <summary>
/// The largest <c>limit</c> Meta accepted per (account, edge), for the life of the process: once the ads edge of an
/// account needed 250, the next run starts there instead of wasting a call on 500.
/// </summary>
public sealed class PageSizeMemory
{
    readonly ConcurrentDictionary<(string Account, string Edge), int> _limits = new();

    public int Get(string account, string edge, int configuredMaximum) =>
        _limits.TryGetValue((account, edge), out var limit) ? Math.Min(limit, configuredMaximum) : configuredMaximum;

    public void Remember(string account, string edge, int workingLimit) =>
        _limits.AddOrUpdate((account, edge), workingLimit, (_, known) => Math.Min(known, workingLimit));
}
