using System.Text;
using MetaAdsSync.Orchestrator.Persistence;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MetaAdsSync.Orchestrator;

/// <summary>
/// Runs the saga's hot path against the database before the bus starts (it is registered after the schema
/// migration and ahead of MassTransit): EF Core builds its model (a new account's first insert and the planner's reads
/// use it), the repository's load runs, the saga's pooled connections open, and the planner's reads run for an
/// account that does not exist, each <see cref="JitSettleHold.CallsBeforeTierOne"/> times, in a transaction rolled back (EF Core compiles each SQL query at its first use and Npgsql
/// resolves each parameter and column type once; without this the first sync after a start paid that on its critical
/// path), and the ledger's JSON contract is built. Writes nothing; never stops the host.
/// </summary>
sealed class SagaWarmUp(IDbContextFactory<SyncDbContext> contexts, IServiceScopeFactory scopes, TimeProvider time, ILogger<SagaWarmUp> logger) : IHostedService
{
    /// <summary>No Meta ad account has this id: the reads find nothing.</summary>
    const string NoAccount = "act_0";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // As many at once as a sync first asks for (StorageWarmUp.Connections) open the pool's connections; then as
            // often as it takes for the runtime to recompile the code at tier 1 before the host is ready (JitSettleHold).
            await Task.WhenAll(Enumerable.Range(0, StorageWarmUp.Connections).Select(_ => LoadAsync(cancellationToken)));
            for (var i = 0; i < JitSettleHold.CallsBeforeTierOne; i++)
            {
                await LoadAsync(cancellationToken);
                await PlannerReadsAsync(cancellationToken);
            }

            // The same two calls as the row's write and read (AccountSyncRows).
            AccountSyncStateMap.FromJson<RunLedger>(Encoding.UTF8.GetString(AccountSyncStateMap.ToUtf8Json(new RunLedger())));
            logger.LogInformation("The saga's path warmed: repository load, planner reads, ledger JSON");
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

    // What SyncPlanner reads at a run's start, through the same services, in a saga transaction of its own that is rolled back.
    async Task PlannerReadsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        using var enlisted = scope.ServiceProvider.GetRequiredService<SagaTransaction>().Enlist(db);
        var history = scope.ServiceProvider.GetRequiredService<IRunHistory>();
        var since = time.GetUtcNow();
        await history.InsightLevelsReadSinceAsync(NoAccount, "last_7d", since, cancellationToken);
        await history.DailyLevelsReadSinceAsync(NoAccount, since, cancellationToken);
        await scope.ServiceProvider.GetRequiredService<IAccountShapes>().ReadAsync(NoAccount, cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
