using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MetaAdsSync.Orchestrator;

/// <summary>
/// Runs the saga's hot path against the database once before the bus starts (it is registered after the schema
/// migration and ahead of MassTransit): EF Core builds its model and compiles the repository's load query, and the
/// saga's pooled connections open. Without it the first sync after a start paid all of
/// that on its critical path. Never stops the host.
/// </summary>
sealed class SagaWarmUp(IDbContextFactory<SyncDbContext> contexts, ILogger<SagaWarmUp> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => LoadAsync(cancellationToken)));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogInformation("The saga's path was not warmed at start: {Error}", ex.Message);
        }
    }

    // The same query shape as PostgresSagaRepositoryContext's load (a parameter, tracking), so EF caches it for that.
    async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var correlationId = Guid.Empty;
        await db.Set<AccountSyncState>().SingleOrDefaultAsync(s => s.CorrelationId == correlationId, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
