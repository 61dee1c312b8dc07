using System.Diagnostics;
using System.Globalization;
using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;
using Xunit;

namespace MetaAdsSync.TestSupport;

/// <summary>
/// A fresh, empty database on the shared PostgreSQL server, for one test class. Its name carries the id of the process
/// that made it; the first database a process makes sweeps away those of processes that have ended
/// (<see cref="DropEndedProcessesDatabasesAsync"/>). The shared server outlives test and bench runs, and its autovacuum
/// launcher visits each database in turn: on the dev machine 335 left-over databases kept a worker starting every 0.2 s.
/// A test process cannot drop its own at exit (the test platform ends it before a handler of several drops is done).
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    const string Prefix = "test_";
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
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}_{Guid.NewGuid():N}")[..40];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return (builder.ConnectionString, name);
    }

    /// <summary>
    /// Drops the databases of test processes that are no longer running (named <c>test_&lt;pid&gt;_…</c>; older names
    /// without a process id too). Parallel test processes each sweep; a database already gone is no error.
    /// </summary>
    static async Task DropEndedProcessesDatabasesAsync(string admin)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        var ended = new List<string>();
        await using (var list = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE datname LIKE '{Prefix}%'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                var owner = name[Prefix.Length..].Split('_')[0];
                if (!int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !IsRunning(pid))
                {
                    ended.Add(name);
                }
            }
        }

        foreach (var name in ended)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
            catch (PostgresException)
            {
                // Another process's sweep got there first, or is dropping it now.
            }
        }
    }

    static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
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
        var admin = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true";
        await DropEndedProcessesDatabasesAsync(admin);
        return admin;
    }
}
