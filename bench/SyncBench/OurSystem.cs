using System.Globalization;
using MetaAdsSync.TestSupport;
using Npgsql;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// The real system (<see cref="SyncSystem"/>: Orchestrator, Gateway and fetchers as separate processes on a fresh database and
/// virtual host), driven through the HTTP API against the benchmark's simulator. A run is timed from just before its POST
/// to the <c>finished_at</c> the saga wrote into <c>sync_runs</c> (same machine, same clock).
/// </summary>
sealed class OurSystem : IAsyncDisposable
{
    readonly SyncSystem _system;
    readonly RunWatcher _runs;

    OurSystem(SyncSystem system)
    {
        _system = system;
        // The bench's own share, bounded like a host's: the run watcher's one poll and a timeline read.
        Database = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(system.Postgres) { MaxPoolSize = BenchConnections }.ConnectionString);
        _runs = new RunWatcher(Database);
    }

    /// <summary>The most connections the bench itself opens on the system's database (the process meter's one is apart).</summary>
    public const int BenchConnections = 2;

    public NpgsqlDataSource Database { get; }

    /// <summary>Every host process started, the killed ones too.</summary>
    public IReadOnlyList<HostProcess> Hosts => _system.Hosts;

    /// <summary>
    /// Starts the system with <paramref name="fetchersEach"/> of each fetcher; by default on a fresh database and virtual host
    /// of the shared servers, else on the given ones (<paramref name="postgres"/>, the <c>RabbitMq__*</c> of <paramref name="broker"/>).
    /// </summary>
    public static async Task<OurSystem> StartAsync(SimulatorProcess simulator, int fetchersEach, IReadOnlyDictionary<string, string>? settings = null,
        string? postgres = null, IReadOnlyDictionary<string, string>? broker = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Gateway__SyncRequestsPerMinute"] = "100000",
            // The product's default, which the tests' settings turn off (HostSettings): the bench measures what users run.
            ["JitSettle__Enabled"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var system = await SyncSystem.StartAsync(simulator.BaseUrl, simulator.AccessToken, fetchersEach, fetchersEach, all, postgres, broker);
        // Every account is asked for at once; on a loaded machine the Gateway's answers may take longer than a test waits.
        system.Api.Timeout = TimeSpan.FromMinutes(2);
        return new OurSystem(system);
    }

    /// <summary>The system's database (its connection string).</summary>
    public string Postgres => _system.Postgres;

    /// <summary>
    /// Restarts the hosts of the projects <paramref name="which"/> picks (every host by default) on the same database and
    /// broker, waiting until they are ready. A restarted Gateway gets a new API client with the old one's timeout; one left
    /// running keeps its client, which takes no new settings once it has sent a request.
    /// </summary>
    public Task RestartAsync(Func<string, bool>? which = null) => _system.RestartAsync(which ?? (_ => true));

    /// <summary>Starts one more host with the system's settings (a replacement for a killed one), not waiting for it.</summary>
    public HostProcess StartHost(string project) => _system.StartHost(project);

    /// <summary>POSTs a sync, forced unless told; returns the run's id (an already running run's id when deduplicated).</summary>
    public async Task<Guid> RequestAsync(string accountId, bool force = true) =>
        (await _system.RequestSync(accountId, force: force)).GetProperty("syncId").GetGuid();

    /// <summary>Waits for the run's <c>sync_runs</c> row (written when the saga finished it).</summary>
    public Task<FinishedRun> WaitAsync(Guid runId, TimeSpan timeout) => _runs.WaitAsync(runId, timeout);

    /// <summary>Requests every account at once; returns when all runs ended, with the time from the first POST to the last finish.</summary>
    public async Task<(TimeSpan Elapsed, IReadOnlyList<FinishedRun> Runs)> SyncAllAsync(IReadOnlyList<string> accountIds, TimeSpan timeout)
    {
        var started = DateTimeOffset.UtcNow;
        var ids = await Task.WhenAll(accountIds.Select(a => RequestAsync(a)));
        var runs = await Task.WhenAll(ids.Select(id => WaitAsync(id, timeout)));
        return (runs.Max(r => r.FinishedAt) - started, runs);
    }

    /// <summary>Seconds Graph calls waited at the rate gate and how many calls were gated, over every host, from their /metrics.</summary>
    public async Task<GateWait> GateWaitAsync()
    {
        var seconds = await MetricSumAsync("metaadssync_rategate_wait_seconds_sum", _ => true);
        var calls = await MetricSumAsync("metaadssync_rategate_wait_seconds_count", _ => true);
        return new GateWait(seconds, (long)calls);
    }

    /// <summary>Saga events the living Orchestrators have handled so far (MassTransit's saga histogram, every message type).</summary>
    public async Task<long> SagaEventsAsync() =>
        (long)await MetricSumAsync("messaging_masstransit_saga_duration_milliseconds_count", h => h.Project == "Orchestrator");

    /// <summary>Per host project (of each, the living processes summed): methods the JIT compiled so far and the seconds it spent.</summary>
    public async Task<IReadOnlyDictionary<string, (double Methods, double Seconds)>> JitAsync()
    {
        var jit = new SortedDictionary<string, (double Methods, double Seconds)>(StringComparer.Ordinal);
        foreach (var project in _system.Hosts.Where(h => !h.HasExited).Select(h => h.Project).Distinct())
        {
            jit[project] = (await MetricSumAsync("dotnet_jit_compiled_methods_total", h => h.Project == project),
                await MetricSumAsync("dotnet_jit_compilation_time_seconds_total", h => h.Project == project));
        }

        return jit;
    }

    /// <summary>The sum of a metric's series (every label set) over the living hosts <paramref name="which"/> picks, from their /metrics.</summary>
    async Task<double> MetricSumAsync(string metric, Func<HostProcess, bool> which)
    {
        var total = 0d;
        using var http = new HttpClient();
        foreach (var host in _system.Hosts.Where(h => !h.HasExited && which(h)))
        {
            var metrics = await http.GetStringAsync(new Uri(host.BaseAddress, "metrics"));
            foreach (var line in metrics.Split('\n'))
            {
                if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' '))
                {
                    continue;
                }

                // name{labels} value [timestamp]
                var rest = line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..];
                if (double.TryParse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture, out var v))
                {
                    total += v;
                }
            }
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        await _runs.DisposeAsync();
        await _system.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Time spent waiting at the rate gate, summed over calls; <see cref="Since"/> gives a period's share.</summary>
sealed record GateWait(double Seconds, long Calls)
{
    public GateWait Since(GateWait earlier) => new(Seconds - earlier.Seconds, Calls - earlier.Calls);

    public override string ToString() => Calls == 0 ? "no gated calls" :
        $"{Calls} gated calls waited {Format.Seconds(Seconds)} in all, {Format.Seconds(Seconds / Calls)} per call on average";
}

sealed record FinishedRun(Guid RunId, string AccountId, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int GraphCalls);
