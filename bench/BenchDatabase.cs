using MetaAdsSync.Storage;
using Npgsql;

namespace MetaAdsSync.Bench;

/// <summary>A throwaway database with the schema applied for one benchmark run; dropped afterwards whatever happens.</summary>
static class BenchDatabase
{
    public const string DefaultAdmin = "Host=127.0.0.1;Port=45432;Username=postgres;Database=postgres";

    public static async Task RunAsync(string admin, string prefix, Func<NpgsqlDataSource, Task> bench)
    {
        var database = prefix + Guid.NewGuid().ToString("N")[..12];
        await Execute(admin, $"CREATE DATABASE {database}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
            await using (var db = StorageRegistration.CreateContext(connectionString))
            {
                await SchemaMigrator.MigrateAsync(db, default);
            }

            await using var dataSource = StorageRegistration.CreateDataSource(connectionString);
            await bench(dataSource);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Execute(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
