using MetaAdsSync.Storage;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>
/// The DbContext, with its open transaction, in which the saga repository handles the current message. Scoped like
/// the repository: it opens one per delivery attempt, and whatever the saga's services write through it commits
/// with the saga's new state.
/// </summary>
public sealed class SagaTransaction
{
    SyncDbContext? _db;

    public SyncDbContext Db => _db ?? throw new InvalidOperationException("No saga message is being handled in this scope.");

    internal IDisposable Enlist(SyncDbContext db)
    {
        _db = db;
        return new Release(this);
    }

    sealed class Release(SagaTransaction transaction) : IDisposable
    {
        public void Dispose() => transaction._db = null;
    }
}
