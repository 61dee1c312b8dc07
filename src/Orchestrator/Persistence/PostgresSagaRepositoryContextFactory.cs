using MassTransit;
using MassTransit.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>
/// MassTransit's saga repository on PostgreSQL through EF Core (MassTransit.EntityFrameworkCore is not served
/// here). One fresh DbContext per message, with a transaction only when the message writes beside the saga's row
/// (<see cref="SagaTransaction"/>); optimistic concurrency on xmin. A conflict
/// throws, the endpoint's retry runs the message again on a new DbContext, and it sees the winner's state. The
/// DbContext is enlisted in the scope's <see cref="SagaTransaction"/>, so the saga's services write in its transaction.
/// </summary>
public sealed class PostgresSagaRepositoryContextFactory(
    IDbContextFactory<SyncDbContext> contexts,
    ISagaConsumeContextFactory<SyncDbContext, AccountSyncState> consumeContexts,
    SagaTransaction sagaTransaction,
    SagaRowCache cache) :
    ISagaRepositoryContextFactory<AccountSyncState>,
    ILoadSagaRepositoryContextFactory<AccountSyncState>,
    IQuerySagaRepositoryContextFactory<AccountSyncState>
{
    public void Probe(ProbeContext context) => context.Add("persistence", "postgresql");

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<AccountSyncState, T>> next)
        where T : class
    {
        await using var db = await contexts.CreateDbContextAsync(context.CancellationToken);
        await db.Database.OpenConnectionAsync(context.CancellationToken);
        using var enlisted = sagaTransaction.Enlist(db);

        var repositoryContext = new PostgresSagaRepositoryContext<T>(db, context, consumeContexts, cache, sagaTransaction);
        await next.Send(repositoryContext);

        // Begun only when the delivery wrote beside the saga's row (SagaTransaction); a failure before this point leaves
        // it to the DbContext's disposal, which rolls it back.
        if (db.Database.CurrentTransaction is { } transaction)
        {
            await transaction.CommitAsync(context.CancellationToken);
        }

        if (repositoryContext.Written is { } written)
        {
            cache.Put(written);
        }
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<AccountSyncState> query, IPipe<SagaRepositoryQueryContext<AccountSyncState, T>> next)
        where T : class
    {
        await using var db = await contexts.CreateDbContextAsync(context.CancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(context.CancellationToken);
        using var enlisted = sagaTransaction.Enlist(db);

        var instances = await db.Set<AccountSyncState>().AsNoTracking().Where(query.FilterExpression).ToListAsync(context.CancellationToken);
        var repositoryContext = new PostgresSagaRepositoryContext<T>(db, context, consumeContexts, cache, sagaTransaction);
        await next.Send(new LoadedSagaRepositoryQueryContext<AccountSyncState, T>(repositoryContext, instances));

        await transaction.CommitAsync(context.CancellationToken);
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<AccountSyncState>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteReadOnly(asyncMethod, cancellationToken);

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<AccountSyncState>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteReadOnly(asyncMethod, cancellationToken);

    async Task<T> ExecuteReadOnly<T>(Func<PostgresSagaReadContext, Task<T>> asyncMethod, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await asyncMethod(new PostgresSagaReadContext(db, cancellationToken));
    }
}
