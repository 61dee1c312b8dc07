using System.Collections.Concurrent;
using MetaAdsSync.Orchestrator.Planning;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>The accounts' last known shapes of the in-memory specs: what a spec says PostgreSQL knows (nothing unless told).</summary>
public sealed class InMemoryAccountShapes : IAccountShapes
{
    readonly ConcurrentDictionary<string, AccountShape> _shapes = new();

    public void Know(string accountId, AccountShape shape) => _shapes[accountId] = shape;

    public Task<AccountShape> ReadAsync(string accountId, CancellationToken cancellationToken) =>
        Task.FromResult(_shapes.GetValueOrDefault(accountId, AccountShape.Empty));
}
