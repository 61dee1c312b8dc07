using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MetaAdsSync.TestSupport;

/// <summary>
/// One of the built hosts running as a real OS process on a free loopback port, so tests can see it start,
/// become ready, fail at start, or die by SIGKILL. Its output goes to a log file and stays readable in memory.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();
    readonly StreamWriter _log;
    readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Hosts a test forgot, or could not, dispose die with the test process instead of outliving it.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<HostProcess, byte> Live = new();

    static readonly System.Collections.Concurrent.ConcurrentQueue<string> Logs = new();

    static HostProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var host in Live.Keys)
        {
            host.Kill();
        }
    };

    HostProcess(string project, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
    {
        Project = project;
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        LogPath = Path.Combine(RepoPaths.Artifacts("host-logs"), $"{project}-{Port}-{DateTime.UtcNow:HHmmssfff}.log");
        _log = new StreamWriter(LogPath) { AutoFlush = true };
        Logs.Enqueue(LogPath);

        var assembly = RepoPaths.HostAssembly(project);
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{project} is not built: {assembly}");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.HostDirectory(project),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Lets scripts/test.sh find and end hosts a killed test run left behind, and only those.
        start.Environment["METAADSSYNC_TEST_HOST"] = "1";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Exited += (_, _) => _exited.TrySetResult();
        _process.Start();
        Live.TryAdd(this, 0);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Project { get; }
    public int Port { get; }
    public Uri BaseAddress { get; }
    public string LogPath { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The log file of every host this test process started, killed or not.</summary>
    public static IReadOnlyCollection<string> LogsWritten => Logs.ToArray();

    public static HostProcess Start(string project, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        new(project, environment, arguments);

    /// <summary>Polls <c>/health/ready</c> until it answers 200; fails early if the process dies.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Project} exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // A probe that took too long; try again.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Project} was not ready within {timeout}:\n{Output}");
    }

    /// <summary>Waits for every host to be ready; fails as soon as one of them fails, not after the slowest times out.</summary>
    public static async Task WaitUntilAllReadyAsync(IEnumerable<HostProcess> hosts, TimeSpan timeout)
    {
        var pending = hosts.Select(h => h.WaitUntilReadyAsync(timeout)).ToList();
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending);
            await finished;
            pending.Remove(finished);
        }
    }

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout));
        if (finished != _exited.Task)
        {
            throw new TimeoutException($"{Project} still runs after {timeout}:\n{Output}");
        }

        // Exited fires before the last redirected lines are read; this waits for them.
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, no cleanup, as a crash would be.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Live.TryRemove(this, out _);
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        lock (_output)
        {
            _log.Dispose();
        }
    }

    void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            _log.WriteLine(line);
        }
    }

    /// <summary>
    /// A loopback port nobody listens on right now, never handed out twice by this process, with the ports at
    /// <paramref name="alsoFreeAt"/> above it free too (for a server that puts ports of its own beside the one given).
    /// It lies below the kernel's ephemeral range: a port from that range can be taken as the local end of some outgoing
    /// connection (to PostgreSQL, RabbitMQ, the simulator) in the seconds before the host binds it, which failed a CI run
    /// with "address already in use".
    /// </summary>
    public static int FreePort(params int[] alsoFreeAt)
    {
        var (low, high) = PortsToPickFrom.Value;
        while (true)
        {
            var port = Random.Shared.Next(low, high);
            if (HandedOut.TryAdd(port, 0) && IsFree(port) && alsoFreeAt.All(offset => IsFree(port + offset)))
            {
                return port;
            }
        }
    }

    static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            // Someone listens there already.
            return false;
        }
    }

    static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> HandedOut = new();

    // The 12,000 ports below the ephemeral range's start (Linux: /proc/sys/net/ipv4/ip_local_port_range, 32768 by default).
    static readonly Lazy<(int Low, int High)> PortsToPickFrom = new(() =>
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var start = File.Exists(range) && int.TryParse(File.ReadAllText(range).Split(['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], out var s) ? s : 32768;
        var high = Math.Max(start, 13_024);
        return (high - 12_000, high);
    });
}
