using MetaAdsSync.Storage;
using MetaAdsSync.TestSupport;
using Microsoft.EntityFrameworkCore;
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
        foreach (var table in new[] { "ad_accounts", "campaigns", "ad_sets", "ads", "insights", "sync_runs" })
        {
            Assert.Contains(table, tables);
        }
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
