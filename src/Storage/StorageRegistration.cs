using Microsoft.EntityFrameworkCore;

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
}
