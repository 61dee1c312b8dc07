using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace MetaAdsSync.Storage;

/// <summary>
/// Applies EF Core migrations under a PostgreSQL advisory lock, so that orchestrators starting together
/// apply the schema once: the first takes the lock and migrates, the others wait and find nothing to do.
/// </summary>
public static class SchemaMigrator
{
    // An arbitrary, fixed key: every process that migrates this schema must use the same one.
    const long MigrationLockKey = 0x4D41_5353_4D49_4752; // "MASSMIGR"

    public static async Task<IReadOnlyList<string>> MigrateAsync(SyncDbContext db, CancellationToken cancellationToken)
    {
        var connectionString = db.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The DbContext has no connection string.");

        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            acquire.Parameters.AddWithValue("key", MigrationLockKey);
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var pending = await PendingMigrationsAsync(db, cancellationToken);
            if (pending.Count > 0)
            {
                await db.Database.MigrateAsync(cancellationToken);
            }

            return pending;
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>True when the database is reachable and every migration this build knows is applied.</summary>
    public static async Task<bool> IsSchemaCurrentAsync(SyncDbContext db, CancellationToken cancellationToken) =>
        (await PendingMigrationsAsync(db, cancellationToken)).Count == 0;

    // Asks whether the history table exists before reading it: EF Core otherwise logs a failed
    // command at error level on every probe of a database that is not migrated yet.
    static async Task<IReadOnlyList<string>> PendingMigrationsAsync(SyncDbContext db, CancellationToken cancellationToken)
    {
        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(cancellationToken))
        {
            return db.Database.GetMigrations().ToList();
        }

        return (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
    }
}
