using System.Globalization;
using Npgsql;

namespace MetaAdsSync.IntegrationTests.Foundation;

/// <summary>
/// scripts/services.sh from a checkout the postgres user cannot traverse (root's 0700 home, any <c>mktemp -d</c>):
/// its services folder is in a 0700 folder here, with ports of its own, so the servers other tests share are never
/// touched.
/// </summary>
public sealed class When_the_services_start_from_a_folder_closed_to_others : IAsyncLifetime
{
    static readonly string Script = Path.Combine(RepoPaths.Root, "scripts", "services.sh");
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    readonly DirectoryInfo _closed = Directory.CreateTempSubdirectory("metaadssync-closed-");
    readonly Dictionary<string, string> _environment = new();
    int _postgresPort;

    public Task InitializeAsync()
    {
        _postgresPort = HostProcess.FreePort();
        // The script puts RabbitMQ's distribution, management, port mapper and CLI ports beside the AMQP one.
        var amqpPort = HostProcess.FreePort([1, 2, 3, .. Enumerable.Range(10, 10)]);
        _environment["METAADSSYNC_SERVICES_DIR"] = Path.Combine(_closed.FullName, "services");
        _environment["METAADSSYNC_PG_PORT"] = Text(_postgresPort);
        _environment["METAADSSYNC_AMQP_PORT"] = Text(amqpPort);
        _environment["METAADSSYNC_RABBIT_MGMT_PORT"] = Text(amqpPort + 2);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_run_postgresql_there_and_stop_it()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, _closed.UnixFileMode);

        await Services("start");

        await using (var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={_postgresPort};Username=postgres;Database=postgres;Pooling=false"))
        {
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT 1", connection);
            Assert.Equal(1, await query.ExecuteScalarAsync());
        }

        Assert.Contains($"postgres: up 127.0.0.1:{_postgresPort}", await Services("status"));
        await Services("stop");
        Assert.Contains("postgres: down", await Services("status"));
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Services("stop");
        }
        finally
        {
            // As root the data is outside the closed folder (the script links it): that goes too.
            var link = new FileInfo(Path.Combine(_environment["METAADSSYNC_SERVICES_DIR"], "postgres"));
            if (link.LinkTarget is { } target)
            {
                Directory.Delete(Path.GetDirectoryName(target)!, recursive: true);
            }

            _closed.Delete(recursive: true);
        }
    }

    Task<string> Services(string command) => ToolRunner.RunAsync("bash", [Script, command], _environment, timeout: StartTimeout);

    static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
