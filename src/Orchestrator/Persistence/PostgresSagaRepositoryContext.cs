using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>
/// The saga's view of the database while one message is handled: its row loaded and updated by <see cref="AccountSyncRows"/>.
/// </summary>
sealed class PostgresSagaRepositoryContext<TMessage> :
    ConsumeContextScope<TMessage>,
    SagaRepositoryContext<AccountSyncState, TMessage>
    where TMessage : class
{
    readonly SyncDbContext _db;
    readonly ISagaConsumeContextFactory<SyncDbContext, AccountSyncState> _factory;
    readonly SagaRowCache _cache;
    readonly SagaTransaction _transaction;
    AccountSyncState? _fromCache;

    public PostgresSagaRepositoryContext(
        SyncDbContext db,
        ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<SyncDbContext, AccountSyncState> factory,
        SagaRowCache cache,
        SagaTransaction transaction)
        : base(consumeContext)
    {
        _db = db;
        _factory = factory;
        _cache = cache;
        _transaction = transaction;
    }

    /// <summary>The instance whose row this delivery wrote; the factory caches it once the transaction has committed.</summary>
    public AccountSyncState? Written { get; private set; }

    public Task<SagaConsumeContext<AccountSyncState, TMessage>> Add(AccountSyncState instance) =>
        _factory.CreateSagaConsumeContext(_db, this, instance, SagaConsumeContextMode.Add);

    /// <summary>
    /// A new instance inserted at once; EF Core writes it (once in an account's life) and then forgets it, so the
    /// update that follows is <see cref="AccountSyncRows"/>' like every other.
    /// </summary>
    public async Task<SagaConsumeContext<AccountSyncState, TMessage>> Insert(AccountSyncState instance)
    {
        await InsertAsync(instance);
        return await _factory.CreateSagaConsumeContext(_db, this, instance, SagaConsumeContextMode.Insert);
    }

    /// <summary>The row as this process last committed it (<see cref="SagaRowCache"/>: its update checks it still is), else from PostgreSQL.</summary>
    public async Task<SagaConsumeContext<AccountSyncState, TMessage>> Load(Guid correlationId)
    {
        var instance = _fromCache = _cache.Take(correlationId);
        instance ??= await AccountSyncRows.LoadAsync(_db, correlationId, CancellationToken);
        return instance is null
            ? null!
            : await _factory.CreateSagaConsumeContext(_db, this, instance, SagaConsumeContextMode.Load);
    }

    /// <summary>A new instance: two first events racing both insert, one gets 23505 and its retry loads the winner.</summary>
    public Task Save(SagaConsumeContext<AccountSyncState> context) => InsertAsync(context.Saga);

    /// <summary>
    /// An existing instance: <c>WHERE xmin = @loaded</c>. A lost race throws DbUpdateConcurrencyException (retried after a
    /// back-off), a cached row found stale <see cref="StaleSagaRowException"/> (retried at once, loaded from PostgreSQL).
    /// </summary>
    public async Task Update(SagaConsumeContext<AccountSyncState> context)
    {
        var saga = context.Saga;
        if (!await AccountSyncRows.UpdateAsync(_db, saga, CancellationToken))
        {
            throw ReferenceEquals(saga, _fromCache)
                ? new StaleSagaRowException(saga.CorrelationId)
                : new DbUpdateConcurrencyException($"The saga {saga.CorrelationId} was changed by another writer since it was loaded.");
        }

        Written = saga;
    }

    /// <summary>Never in this saga (an account's instance lives as long as the account); kept correct: xmin checked.</summary>
    public async Task Delete(SagaConsumeContext<AccountSyncState> context)
    {
        _db.Set<AccountSyncState>().Remove(context.Saga);
        await _db.SaveChangesAsync(CancellationToken);
    }

    /// <summary>Nothing is tracked between statements, so there is nothing to discard or undo.</summary>
    public Task Discard(SagaConsumeContext<AccountSyncState> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<AccountSyncState> context) => Task.CompletedTask;

    /// <summary>In the delivery's transaction, so that a new instance and the state its first event leaves commit together.</summary>
    async Task InsertAsync(AccountSyncState instance)
    {
        await _transaction.BeginAsync(CancellationToken);
        var entry = _db.Set<AccountSyncState>().Add(instance);
        await _db.SaveChangesAsync(CancellationToken);
        entry.State = EntityState.Detached;
    }

    public Task<SagaConsumeContext<AccountSyncState, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, AccountSyncState instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_db, consumeContext, instance, mode);
}

/// <summary>Reads for the test harness and the API: no tracking, no transaction.</summary>
sealed class PostgresSagaReadContext(SyncDbContext db, CancellationToken cancellationToken) :
    BasePipeContext(cancellationToken),
    LoadSagaRepositoryContext<AccountSyncState>,
    QuerySagaRepositoryContext<AccountSyncState>
{
    public async Task<AccountSyncState> Load(Guid correlationId) =>
        (await db.Set<AccountSyncState>().AsNoTracking().SingleOrDefaultAsync(s => s.CorrelationId == correlationId, CancellationToken))!;

    public async Task<SagaRepositoryQueryContext<AccountSyncState>> Query(ISagaQuery<AccountSyncState> query, CancellationToken cancellationToken = default)
    {
        var ids = await db.Set<AccountSyncState>().AsNoTracking().Where(query.FilterExpression).Select(s => s.CorrelationId).ToListAsync(cancellationToken);
        return new DefaultSagaRepositoryQueryContext<AccountSyncState>(this, ids);
    }
}
