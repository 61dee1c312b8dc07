using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MetaAdsSync.Storage;

public static class StorageRegistration
{
    /// <summary>The one place the provider is configured: Npgsql, snake_case names, our history table.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>A context outside dependency injection: design-time tools, tests, the benchmark.</summary>
    public static SyncDbContext CreateContext(string connectionString)
    {
        var options = new DbContextOptionsBuilder<SyncDbContext>();
        Configure(options, connectionString);
        return new SyncDbContext(options.Options);
    }

    /// <summary>
    /// The data source the set-based upserts run on. The upserts repeat a handful of statements page after page, so
    /// they are prepared on the server once per connection instead of planned on every page.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}
