using MetaAdsSync.Storage;
using Npgsql;
using Xunit;

namespace MetaAdsSync.TestSupport;

/// <summary>
/// A fresh database on the real PostgreSQL with the schema applied: a class fixture shared by one class's tests
/// (each uses its own accounts), or one for a single test through <see cref="CreateAsync"/>.
/// </summary>
public sealed class MigratedDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (ConnectionString, _) = await PostgresFixture.CreateDatabaseAsync();
        await using (var db = StorageRegistration.CreateContext(ConnectionString))
        {
            await SchemaMigrator.MigrateAsync(db, default);
        }

        DataSource = StorageRegistration.CreateDataSource(ConnectionString);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();

    public static async Task<MigratedDatabase> CreateAsync()
    {
        var database = new MigratedDatabase();
        await database.InitializeAsync();
        return database;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> ReadAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
