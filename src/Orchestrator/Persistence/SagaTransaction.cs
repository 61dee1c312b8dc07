using MetaAdsSync.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>
/// The DbContext, on its open connection, in which the saga repository handles the current message. Scoped like the
/// repository: it opens one per delivery attempt. A transaction starts only when something writes beside the saga's
/// row (<see cref="BeginAsync"/>: a run's end, a new instance), and then whatever is written after it, the saga's
/// update included, commits together. Most events write the row alone: its update, checked on xmin, is one
/// autocommitted statement, one round trip instead of the update and a COMMIT, in the one step of a run that an
/// account's events take one after another.
/// </summary>
public sealed class SagaTransaction
{
    SyncDbContext? _db;

    public SyncDbContext Db => _db ?? throw new InvalidOperationException("No saga message is being handled in this scope.");

    /// <summary>Starts the delivery's transaction unless it has one: what is written from now on commits with the saga's new state or not at all.</summary>
    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        if (Db.Database.CurrentTransaction is null)
        {
            await Db.Database.BeginTransactionAsync(cancellationToken);
        }
    }

    /// <summary>A plain command on the delivery's connection, in its transaction if it has one: the saga's reads and writes by hand.</summary>
    public NpgsqlCommand Command(string sql) => Command(Db, sql);

    /// <summary>A plain command on <paramref name="db"/>'s open connection, in its transaction if it has one.</summary>
    internal static NpgsqlCommand Command(SyncDbContext db, string sql) =>
        new(sql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());

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
