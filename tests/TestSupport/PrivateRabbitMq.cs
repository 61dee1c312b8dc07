using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace MetaAdsSync.TestSupport;

/// <summary>
/// A RabbitMQ node of the test's own (Debian's rabbitmq-server, started as scripts/services.sh starts the shared one,
/// without the management plugin), on free ports with its own node name, Erlang port mapper and data under
/// <c>.local/reliability</c>, so the test may stop and start it without touching the broker other tests share.
/// Its data survives a restart (durable queues, persistent messages), as a real broker's does. Disposing it stops
/// it and deletes its data.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    const string Bin = "/usr/lib/rabbitmq/bin";
    readonly string _directory;
    readonly Dictionary<string, string> _environment;
    Process? _server;

    PrivateRabbitMq()
    {
        Port = HostProcess.FreePort();
        _directory = Path.Combine(RepoPaths.Root, ".local", "reliability", $"rabbitmq-{Port}");
        var ctlPort = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        _environment = new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(_directory, "home"),
            ["RABBITMQ_NODENAME"] = $"reliability{Port}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_CTL_DIST_PORT_MIN"] = ctlPort,
            ["RABBITMQ_CTL_DIST_PORT_MAX"] = ctlPort,
            ["ERL_EPMD_PORT"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(_directory, "rabbit.pid"),
        };
    }

    public int Port { get; }

    /// <summary>The <c>RabbitMq__*</c> settings of a host using this broker (its default virtual host, the guest user on loopback).</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["RabbitMq__Host"] = "127.0.0.1",
        ["RabbitMq__Port"] = Port.ToString(CultureInfo.InvariantCulture),
        ["RabbitMq__Username"] = "guest",
        ["RabbitMq__Password"] = "guest",
        ["RabbitMq__VirtualHost"] = "/",
    };

    /// <summary>The process <c>rabbitmq-server</c> started as (the Erlang VM runs under it); null while stopped.</summary>
    public int? ProcessId => _server?.Id;

    /// <summary>Adds a virtual host the guest user may use; returns the <c>RabbitMq__*</c> settings of a host using it.</summary>
    public async Task<IReadOnlyDictionary<string, string>> AddVirtualHostAsync(string name)
    {
        await Ctl(TimeSpan.FromMinutes(1), "-q", "add_vhost", name);
        await Ctl(TimeSpan.FromMinutes(1), "-q", "set_permissions", "-p", name, "guest", ".*", ".*", ".*");
        return new Dictionary<string, string>(HostEnvironment) { ["RabbitMq__VirtualHost"] = name };
    }

    public static async Task<PrivateRabbitMq> StartAsync()
    {
        var broker = new PrivateRabbitMq();
        foreach (var folder in new[] { "home", "mnesia", "log" })
        {
            Directory.CreateDirectory(Path.Combine(broker._directory, folder));
        }

        await File.WriteAllTextAsync(Path.Combine(broker._directory, "rabbitmq.conf"), $"""
            listeners.tcp.default = 127.0.0.1:{broker.Port}
            loopback_users.guest = true
            log.console = false
            log.file.level = warning
            """);
        await File.WriteAllTextAsync(Path.Combine(broker._directory, "enabled_plugins"), "[].");
        try
        {
            await broker.StartAgainAsync();
        }
        catch
        {
            // A node that never booted is not left running for the rest of the suite.
            await broker.DisposeAsync();
            throw;
        }

        return broker;
    }

    /// <summary>Starts the node (again) and waits until it has booted and its AMQP port answers.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Path.Combine(Bin, "rabbitmq-server"))
        {
            // Erlang drops crash dumps in the working directory.
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        _server = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start");
        var output = new StreamWriter(Path.Combine(_directory, "server.out"), append: true) { AutoFlush = true };
        _server.OutputDataReceived += (_, e) => Write(output, e.Data);
        _server.ErrorDataReceived += (_, e) => Write(output, e.Data);
        _server.Exited += (_, _) => output.Dispose();
        _server.EnableRaisingEvents = true;
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        // As scripts/services.sh: the node answers await_startup only once it runs, so ask until it does.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with {_server.ExitCode}; see {_directory}/server.out and log/");
            }

            try
            {
                await Ctl(TimeSpan.FromSeconds(30), "-q", "await_startup", "--timeout", "5");
                if (await AnswersAsync())
                {
                    return;
                }
            }
            catch (InvalidOperationException) when (clock.Elapsed < TimeSpan.FromMinutes(3))
            {
                // Not running yet.
            }

            await Task.Delay(500);
        }
    }

    static void Write(StreamWriter output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            try
            {
                output.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The server has exited; its last words are in its own log.
            }
        }
    }

    /// <summary>Stops the node as an operator's restart does: every connection is closed; durable queues and persistent messages stay.</summary>
    public async Task StopAsync()
    {
        await Ctl(TimeSpan.FromMinutes(2), "-q", "shutdown");
        if (_server is not null)
        {
            await _server.WaitForExitAsync();
            _server.Dispose();
            _server = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            try
            {
                await StopAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                _server?.Kill(entireProcessTree: true);
                _server = null;
            }
        }

        try
        {
            await ToolRunner.RunAsync("/usr/bin/epmd", ["-kill"], _environment, _directory);
        }
        catch (InvalidOperationException)
        {
            // The port mapper had already gone.
        }

        Directory.Delete(_directory, recursive: true);
    }

    Task<string> Ctl(TimeSpan timeout, params string[] arguments) =>
        ToolRunner.RunAsync(Path.Combine(Bin, "rabbitmqctl"), arguments, _environment, _directory, timeout);

    async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
