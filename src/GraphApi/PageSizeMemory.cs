using System.Collections.Concurrent;

namespace MetaAdsSync.GraphApi;

/// <summary>
/// The largest <c>limit</c> Meta accepted per (account, edge) after it asked for less data: once the ads edge of an
/// account needed 250, the next read starts there instead of wasting a call on 500.
/// </summary>
public interface IPageSizeMemory
{
    /// <summary>The limit to start with: what was learned, never above <paramref name="configuredMaximum"/>.</summary>
    ValueTask<int> GetAsync(string account, string edge, int configuredMaximum, CancellationToken cancellationToken);

    /// <summary>Called when Meta accepted <paramref name="workingLimit"/> after refusing a larger one.</summary>
    ValueTask RememberAsync(string account, string edge, int workingLimit, CancellationToken cancellationToken);
}

/// <summary>The per-process memory the bare client falls back to; the hosts share theirs in PostgreSQL.</summary>
public sealed class PageSizeMemory : IPageSizeMemory
{
    readonly ConcurrentDictionary<(string Account, string Edge), int> _limits = new();

    public ValueTask<int> GetAsync(string account, string edge, int configuredMaximum, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Learned(account, edge) is { } limit ? Math.Min(limit, configuredMaximum) : configuredMaximum);

    public ValueTask RememberAsync(string account, string edge, int workingLimit, CancellationToken cancellationToken)
    {
        Learn(account, edge, workingLimit);
        return ValueTask.CompletedTask;
    }

    /// <summary>What this process knows, if anything.</summary>
    public int? Learned(string account, string edge) => _limits.TryGetValue((account, edge), out var limit) ? limit : null;

    /// <summary>Keeps the smaller of the known and the new limit.</summary>
    public void Learn(string account, string edge, int workingLimit) =>
        _limits.AddOrUpdate((account, edge), workingLimit, (_, known) => Math.Min(known, workingLimit));
}
