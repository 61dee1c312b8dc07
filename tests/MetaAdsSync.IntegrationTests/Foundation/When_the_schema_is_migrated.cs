using MetaAdsSync.Storage;
using MetaAdsSync.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace MetaAdsSync.IntegrationTests.Foundation;

public class When_the_schema_is_migrated
{
    static SyncDbContext Context(string connectionString) => StorageRegistration.CreateContext(connectionString);

    [Fact]
    public async Task Should_create_every_table_on_an_empty_database_and_do_nothing_the_second_time()
    {
        var (connectionString, _) = await PostgresFixture.CreateDatabaseAsync();

        await using (var db = Context(connectionString))
        {
            Assert.False(await SchemaMigrator.IsSchemaCurrentAsync(db, default));
            var first = await SchemaMigrator.MigrateAsync(db, default);
            Assert.Equal(db.Database.GetMigrations(), first);
        }

        await using (var db = Context(connectionString))
        {
            var second = await SchemaMigrator.MigrateAsync(db, default);
            Assert.Empty(second);
            Assert.True(await SchemaMigrator.IsSchemaCurrentAsync(db, default));
        }

        var tables = await Tables(connectionString);
        foreach (var table in new[] { "ad_accounts", "campaigns", "ad_sets", "ads", "ad_creatives", "insights", "sync_runs" })
        {
            Assert.Contains(table, tables);
        }
    }

    [Fact]
    public async Task Should_move_the_stored_creatives_of_ads_into_their_own_table()
    {
        var (connectionString, _) = await PostgresFixture.CreateDatabaseAsync();
        await using (var db = Context(connectionString))
        {
            var migrations = db.Database.GetMigrations().ToList();
            var beforeCreatives = migrations[migrations.FindIndex(m => m.EndsWith("_AdCreativesTable", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(beforeCreatives);
        }

        await Execute(connectionString, """
            INSERT INTO ads (id, account_id, synced_at, creative) VALUES
                ('a1', 'act_1', now(), '{"id": "cr1", "title": "Spring sale ✨", "body": "20% off"}'), ('a2', 'act_1', now(), NULL)
            """);
        await using (var db = Context(connectionString))
        {
            await SchemaMigrator.MigrateAsync(db, default);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand(
            "SELECT id, creative_hash IS NULL, c.creative->>'title' FROM ads LEFT JOIN ad_creatives c ON c.ad_id = id ORDER BY id", connection);
        var rows = new List<(string, bool, string?)>();
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        // Hashes stay unknown: the next sync rewrites each moved creative once.
        Assert.Equal([("a1", true, "Spring sale ✨"), ("a2", true, null)], rows);
        await using var column = new NpgsqlCommand("SELECT count(*) FROM information_schema.columns WHERE table_name = 'ads' AND column_name = 'creative'", connection);
        Assert.Equal(0L, await column.ExecuteScalarAsync());
    }

    static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Should_apply_each_migration_once_when_many_migrate_at_the_same_time()
    {
        var (connectionString, _) = await PostgresFixture.CreateDatabaseAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            await using var db = Context(connectionString);
            return await SchemaMigrator.MigrateAsync(db, default);
        }));

        Assert.Single(results, r => r.Count > 0);
        await using var check = Context(connectionString);
        Assert.Equal(check.Database.GetMigrations().Count(), await HistoryRows(connectionString));
    }

    [Fact]
    public async Task Should_check_and_migrate_an_empty_database_without_a_failed_command()
    {
        var (connectionString, _) = await PostgresFixture.CreateDatabaseAsync();
        var failed = new List<string>();
        var options = new DbContextOptionsBuilder<SyncDbContext>();
        StorageRegistration.Configure(options, connectionString)
            .LogTo(failed.Add, [Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError]);

        await using var db = new SyncDbContext(options.Options);
        // Every readiness probe of a worker started before the Orchestrator's migration asks this question.
        var current = await SchemaMigrator.IsSchemaCurrentAsync(db, default);
        var applied = await SchemaMigrator.MigrateAsync(db, default);

        Assert.False(current);
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Empty(failed);
    }

    static async Task<List<string>> Tables(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", connection);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    internal static async Task<long> HistoryRows(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM __ef_migrations_history", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
