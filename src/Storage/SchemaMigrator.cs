using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace MetaAdsSync.Storage;

/// <summary>
/// Applies EF Core migrations under a PostgreSQL advisory lock, so that orchestrators starting together
/// apply the schema once: the first takes the lock and migrates, the others wait and find nothing to do. The lock is
/// a session's, so the lock and the migration run on one connection, the context's own: give it a direct connection
/// or a session-mode pool (the Orchestrator migrates on its session data source).
/// </summary>
public static class SchemaMigrator
{
    // An arbitrary, fixed key: every process that migrates this schema must use the same one.
    const long MigrationLockKey = 0x4D41_5353_4D49_4752; // "MASSMIGR"

    public static async Task<IReadOnlyList<string>> MigrateAsync(SyncDbContext db, CancellationToken cancellationToken)
    {
        // Opened here, EF Core keeps the connection open until it is closed here: every statement below is on it.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
            {
                acquire.Parameters.AddWithValue("key", MigrationLockKey);
                await acquire.ExecuteNonQueryAsync(cancellationToken);
            }

            try
            {
                var pending = await PendingMigrationsAsync(db, cancellationToken);
                if (pending.Count > 0)
                {
                    // Created first, so that EF Core's migrator finds it: otherwise it reads the missing table and logs that
                    // failed command at error level on every first start.
                    await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
                    await db.Database.MigrateAsync(cancellationToken);
                }

                return pending;
            }
            finally
            {
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                release.Parameters.AddWithValue("key", MigrationLockKey);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>True when the database is reachable and every migration this build knows is applied.</summary>
    public static async Task<bool> IsSchemaCurrentAsync(SyncDbContext db, CancellationToken cancellationToken) =>
        (await PendingMigrationsAsync(db, cancellationToken)).Count == 0;

    // Asks PostgreSQL whether the history table exists before reading it: EF Core otherwise logs a failed command at
    // error level on every probe of a database that is not migrated yet. (Npgsql's IHistoryRepository.ExistsAsync
    // answers true for an empty database, so it cannot be asked.)
    static async Task<IReadOnlyList<string>> PendingMigrationsAsync(SyncDbContext db, CancellationToken cancellationToken)
    {
        if (!await HistoryTableExistsAsync(db, cancellationToken))
        {
            return db.Database.GetMigrations().ToList();
        }

        return (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
    }

    static async Task<bool> HistoryTableExistsAsync(SyncDbContext db, CancellationToken cancellationToken)
    {
        var options = RelationalOptionsExtension.Extract(db.GetService<IDbContextOptions>());
        var table = options.MigrationsHistoryTableName ?? HistoryRepository.DefaultTableName;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await using var command = new NpgsqlCommand(
                "SELECT to_regclass(CASE WHEN @schema IS NULL THEN quote_ident(@table) ELSE quote_ident(@schema) || '.' || quote_ident(@table) END) IS NOT NULL",
                connection);
            command.Parameters.AddWithValue("schema", NpgsqlTypes.NpgsqlDbType.Text, (object?)options.MigrationsHistoryTableSchema ?? DBNull.Value);
            command.Parameters.AddWithValue("table", table);
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }
}
