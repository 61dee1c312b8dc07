using MetaAdsSync.Orchestrator.Persistence;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MetaAdsSync.Orchestrator;

/// <summary>
/// Runs the saga's hot path against the database once before the bus starts (it is registered after the schema
/// migration and ahead of MassTransit): EF Core builds its model (a new account's first insert and the planner's reads
/// use it), the repository's load runs once, and the saga's pooled connections open. Without it the first sync after a start paid all of
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

    // The repository's own load, so its statement and reader path are ready for the first message.
    async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        _ = db.Model;
        await db.Database.OpenConnectionAsync(cancellationToken);
        await AccountSyncRows.LoadAsync(db, Guid.Empty, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
