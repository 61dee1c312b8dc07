using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;
using Xunit;

namespace MetaAdsSync.TestSupport;

/// <summary>A fresh, empty database on the shared PostgreSQL server, for one test class.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    static readonly Lazy<Task<string>> Server = new(StartServerAsync);

    public string ConnectionString { get; private set; } = "";
    public string DatabaseName { get; private set; } = "";

    public async Task InitializeAsync()
    {
        (ConnectionString, DatabaseName) = await CreateDatabaseAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Creates another empty database on the same server; returns its connection string and name.</summary>
    public static async Task<(string ConnectionString, string Name)> CreateDatabaseAsync()
    {
        var admin = await Server.Value;
        var name = "test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return (builder.ConnectionString, name);
    }

    static async Task<string> StartServerAsync()
    {
        if (ServiceMode.Forced != "local")
        {
            try
            {
                var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
                await container.StartAsync();
                return container.GetConnectionString();
            }
            catch (DockerUnavailableException) when (ServiceMode.Forced is null)
            {
                // No Docker engine: use the server that scripts/services.sh started.
            }
        }

        var port = ServiceMode.LocalPort("METAADSSYNC_PG_PORT", 45432);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true";
    }
}
