using System.Globalization;
using Npgsql;

namespace MetaAdsSync.TestSupport;

/// <summary>
/// A PostgreSQL server of the test's own (Debian's PostgreSQL 15, as scripts/services.sh runs the shared one), on a
/// free port, so the test may stop and start it without touching the server other tests share. Disposing it stops
/// it and deletes its data.
/// </summary>
/// <remarks>
/// Its data is in a 0700 folder under /tmp, where the postgres user can reach it wherever the checkout lives (a
/// checkout in root's home or a <c>mktemp -d</c> is closed to that user), linked from <c>.local/reliability</c> so
/// that scripts/test.sh finds what a killed run left behind.
/// </remarks>
public sealed class PrivatePostgres : IAsyncDisposable
{
    const string Bin = "/usr/lib/postgresql/15/bin";
    const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    readonly string _link;
    readonly string _directory;
    readonly string _data;
    readonly int _maxConnections;
    readonly string _settings;

    PrivatePostgres(int port, int maxConnections, string settings)
    {
        Port = port;
        _maxConnections = maxConnections;
        _settings = settings;
        _link = Path.Combine(RepoPaths.Root, ".local", "reliability", $"postgres-{port}");
        _directory = Path.Combine("/tmp", $"metaadssync-postgres-{port}-{Guid.NewGuid():N}");
        _data = Path.Combine(_directory, "data");
    }

    public int Port { get; }

    /// <summary>The database the system uses on this server.</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=metaadssync;Include Error Detail=true";

    /// <param name="settings">More server settings, as <c>-c name=value</c> options (the bench's <c>pg_stat_statements</c>).</param>
    public static async Task<PrivatePostgres> StartAsync(int maxConnections = 200, string settings = "")
    {
        var server = new PrivatePostgres(HostProcess.FreePort(), maxConnections, settings);
        Directory.CreateDirectory(server._directory, OwnerOnly);
        Directory.CreateDirectory(Path.GetDirectoryName(server._link)!);
        File.CreateSymbolicLink(server._link, server._directory);
        if (IsRoot)
        {
            await ToolRunner.RunAsync("chown", ["-R", "postgres:postgres", server._directory]);
        }

        await AsPostgres(Path.Combine(Bin, "initdb"), "-D", server._data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8");
        try
        {
            await server.StartAgainAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        await server.Execute("CREATE DATABASE metaadssync");
        return server;
    }

    /// <summary>The postmaster's process id (its backends are its children), from its <c>postmaster.pid</c>.</summary>
    public int ServerProcessId => int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <summary>Creates another empty database on this server; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await Execute($"CREATE DATABASE {name}");
        return ConnectionString.Replace("Database=metaadssync", "Database=" + name, StringComparison.Ordinal);
    }

    /// <summary>Drops a database <see cref="CreateDatabaseAsync"/> made, closing its connections.</summary>
    public Task DropDatabaseAsync(string name) => Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A fast shutdown: open connections are closed, as an operator's restart does.</summary>
    public Task StopAsync() => AsPostgres(Path.Combine(Bin, "pg_ctl"), "-D", _data, "-m", "fast", "-w", "-t", "60", "stop");

    public Task StartAgainAsync() => AsPostgres(Path.Combine(Bin, "pg_ctl"), "-D", _data, "-l", Path.Combine(_directory, "postgres.log"),
        "-w", "-t", "120", "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_directory} -c max_connections={_maxConnections} -c fsync=off -c synchronous_commit=off {_settings}",
        "start");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await AsPostgres(Path.Combine(Bin, "pg_ctl"), "-D", _data, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
        File.Delete(_link);
    }

    static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// PostgreSQL refuses to run as root: as root (the build machines) its tools run as the postgres user, from /
    /// since that user may not reach the checkout.
    /// </summary>
    static Task<string> AsPostgres(string tool, params string[] arguments) =>
        IsRoot ? ToolRunner.RunAsync("runuser", ["-u", "postgres", "--", tool, .. arguments], workingDirectory: "/") : ToolRunner.RunAsync(tool, arguments);
}
