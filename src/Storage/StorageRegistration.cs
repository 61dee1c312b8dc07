using MetaAdsSync.ServiceDefaults;
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

    /// <summary>The same on a data source, whose pool EF Core then shares with every other statement of the host.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options
            .UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>A context outside dependency injection: design-time tools, tests, the benchmark.</summary>
    public static SyncDbContext CreateContext(string connectionString)
    {
        var options = new DbContextOptionsBuilder<SyncDbContext>();
        Configure(options, connectionString);
        return new SyncDbContext(options.Options);
    }

    /// <summary>A context on a data source of the caller's (the migrator's, on the session connection).</summary>
    public static SyncDbContext CreateContext(NpgsqlDataSource dataSource)
    {
        var options = new DbContextOptionsBuilder<SyncDbContext>();
        Configure(options, dataSource);
        return new SyncDbContext(options.Options);
    }

    /// <summary>
    /// The host's pool: EF Core, the set-based upserts, the rate gate's statements, every query. With <paramref name="pool"/>
    /// (the hosts) its size and connection wait are <c>Postgres:*</c>; without (tests, the benchmark) Npgsql's defaults.
    /// The upserts repeat a handful of statements page after page, so statements are prepared on the server once per
    /// connection instead of planned on every page, unless the connection string sets <c>Max Auto Prepare</c> itself
    /// (0 behind a PgBouncer that does not keep prepared statements). Nothing on this pool leaves session state behind
    /// (no SET, temporary table, advisory lock or LISTEN: those are the session data source's), so a connection goes back
    /// to the pool without Npgsql's reset, unless the connection string sets <c>No Reset On Close</c> itself: with
    /// prepared statements that reset is seven statements at the next use of the connection, about six times per Graph
    /// call (pg_stat_statements in bench scale).
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, PostgresOptions? pool = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets(builder, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!Sets(builder, "No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        if (pool is not null)
        {
            builder.MaxPoolSize = pool.MaxPoolSize;
            builder.MinPoolSize = Math.Min(builder.MinPoolSize, pool.MaxPoolSize);
            builder.Timeout = TimeoutSeconds(pool);
        }

        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>
    /// The host's one session connection (<c>ConnectionStrings:PostgresSession</c>, else <c>ConnectionStrings:Postgres</c>):
    /// the rate gate's <c>LISTEN</c> or the migrator's advisory lock, which must keep their PostgreSQL session and so need
    /// a direct connection or a session-mode pool. A pool of one, so it is counted once.
    /// </summary>
    public static NpgsqlDataSource CreateSessionDataSource(string connectionString, PostgresOptions pool)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = ConnectionBudget.SessionConnections,
            MinPoolSize = 0,
            Timeout = TimeoutSeconds(pool),
        };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>True when the connection string sets <paramref name="keyword"/> itself: Npgsql lists only the keys it was given, by their canonical names.</summary>
    internal static bool Sets(NpgsqlConnectionStringBuilder builder, string keyword) =>
        builder.Keys.Cast<string>().Contains(keyword, StringComparer.OrdinalIgnoreCase);

    static int TimeoutSeconds(PostgresOptions pool) => (int)Math.Ceiling(pool.AcquireTimeout.TotalSeconds);
}
