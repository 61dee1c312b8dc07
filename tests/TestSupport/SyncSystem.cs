using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MetaAdsSync.GraphSimulator;

namespace MetaAdsSync.TestSupport;

/// <summary>
/// The whole system for one test: the simulator in-process (or one the caller runs elsewhere), a fresh database and
/// virtual host, and the Orchestrator, fetchers and Gateway as real processes talking over the real RabbitMQ and PostgreSQL.
/// </summary>
public sealed class SyncSystem : IAsyncDisposable
{
    /// <summary>
    /// How long the simulator gives the workers to hear of a block after its first refusal went out, before a call counts
    /// as "while blocked". A call a worker sent just before that answer reached it arrives after it went out, and a worker
    /// of another process learns of it only once the shared record has committed: on this 2-core machine under load that
    /// was up to 13 ms for the answer to be read and 25 ms for the record (issue 9), so 250 ms leaves room for CI's load.
    /// </summary>
    public const int ThrottleNoticeMs = 250;

    static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    static readonly string[] Ended = ["Completed", "Partial", "Failed", "TimedOut"];

    readonly List<HostProcess> _hosts = [];
    readonly RabbitMqFixture? _rabbit;
    readonly RunningSimulator? _simulator;

    SyncSystem(RunningSimulator? simulator, RabbitMqFixture? rabbit, string postgres, Dictionary<string, string> settings)
    {
        _simulator = simulator;
        _rabbit = rabbit;
        Postgres = postgres;
        Settings = settings;
    }

    /// <summary>The system's own in-process simulator (not set when the caller runs the simulator).</summary>
    public RunningSimulator Simulator => _simulator ?? throw new InvalidOperationException("this system runs against a simulator of the caller's");
    public string Postgres { get; }

    /// <summary>The system's virtual host on the shared broker (not set when the test brought its own broker).</summary>
    public string VirtualHost => _rabbit?.VirtualHost ?? throw new InvalidOperationException("this system runs on a broker of the test's own");
    public Dictionary<string, string> Settings { get; }
    public HostProcess Gateway { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;
    /// <summary>Every host started so far, the killed ones too (a copy: a replacement may be starting meanwhile).</summary>
    public IReadOnlyList<HostProcess> Hosts
    {
        get
        {
            lock (_hosts)
            {
                return [.. _hosts];
            }
        }
    }

    /// <summary>
    /// Starts the system and waits until every host is ready. By default it gets a fresh database and virtual host on the
    /// shared servers; a test that restarts a server passes its own: <paramref name="postgres"/> (a connection string)
    /// and <paramref name="broker"/> (the <c>RabbitMq__*</c> environment of its own broker).
    /// </summary>
    public static async Task<SyncSystem> StartAsync(
        Action<SimulatorOptions>? simulator = null, int entityFetchers = 1, int insightFetchers = 1, IReadOnlyDictionary<string, string>? settings = null,
        string? postgres = null, IReadOnlyDictionary<string, string>? broker = null)
    {
        var options = new SimulatorOptions { CallBudget = 1_000_000, ThrottleNoticeMs = ThrottleNoticeMs };
        simulator?.Invoke(options);
        var sim = await SimulatorApp.StartAsync(options);
        return await StartAsync(sim, sim.BaseUrl, sim.AccessToken, entityFetchers, insightFetchers, settings, postgres, broker);
    }

    /// <summary>
    /// Starts the system against a simulator the caller runs and disposes, at <paramref name="simulatorUrl"/> (the benchmark
    /// runs it as a process of its own and shares it with the seed's sync).
    /// </summary>
    public static Task<SyncSystem> StartAsync(
        Uri simulatorUrl, string accessToken, int entityFetchers, int insightFetchers, IReadOnlyDictionary<string, string>? settings = null,
        string? postgres = null, IReadOnlyDictionary<string, string>? broker = null) =>
        StartAsync(null, simulatorUrl, accessToken, entityFetchers, insightFetchers, settings, postgres, broker);

    static async Task<SyncSystem> StartAsync(
        RunningSimulator? owned, Uri simulatorUrl, string accessToken, int entityFetchers, int insightFetchers,
        IReadOnlyDictionary<string, string>? settings, string? postgres, IReadOnlyDictionary<string, string>? broker)
    {
        RabbitMqFixture? rabbit = null;
        if (broker is null)
        {
            rabbit = new RabbitMqFixture();
            await rabbit.InitializeAsync();
        }

        postgres ??= (await PostgresFixture.CreateDatabaseAsync()).ConnectionString;

        var all = HostSettings.For(postgres, broker ?? rabbit!.HostEnvironment, new Dictionary<string, string>
        {
            ["Meta__BaseUrl"] = simulatorUrl.ToString().TrimEnd('/'),
            ["Meta__AccessToken"] = accessToken,
        });
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var system = new SyncSystem(owned, rabbit, postgres, all);
        var starting = new List<HostProcess> { system.StartHost("Orchestrator") };
        for (var i = 0; i < entityFetchers; i++)
        {
            starting.Add(system.StartHost("EntityFetcher"));
        }

        for (var i = 0; i < insightFetchers; i++)
        {
            starting.Add(system.StartHost("InsightFetcher"));
        }

        system.Gateway = system.StartHost("Gateway");
        starting.Add(system.Gateway);
        await HostProcess.WaitUntilAllReadyAsync(starting, ReadyTimeout);
        system.Api = new HttpClient { BaseAddress = system.Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        return system;
    }

    /// <summary>
    /// Stops every running host and starts each again on the same database and broker, waiting until all are ready: what
    /// the first sync after a deployment meets (cold processes, a database that already knows the accounts).
    /// </summary>
    public Task RestartAllAsync() => RestartAsync(_ => true);

    /// <summary>
    /// Stops the running hosts of the projects <paramref name="which"/> picks and starts each again, waiting until they are
    /// ready; the others keep running. A bench restarts one kind of host at a time to see which one a restart's first sync
    /// waits for.
    /// </summary>
    public async Task RestartAsync(Func<string, bool> which)
    {
        var running = Hosts.Where(h => !h.HasExited && which(h.Project)).ToList();
        foreach (var host in running)
        {
            host.Kill();
            await host.WaitForExitAsync(ReadyTimeout);
        }

        var starting = running.Select(h => StartHost(h.Project)).ToList();
        if (starting.SingleOrDefault(h => h.Project == "Gateway") is { } gateway)
        {
            Gateway = gateway;
            var timeout = Api.Timeout;
            Api.Dispose();
            Api = new HttpClient { BaseAddress = Gateway.BaseAddress, Timeout = timeout };
        }

        await HostProcess.WaitUntilAllReadyAsync(starting, ReadyTimeout);
    }

    /// <summary>Starts one more host process with this system's settings (not waiting for it).</summary>
    public HostProcess StartHost(string project)
    {
        var host = HostProcess.Start(project, Settings);
        lock (_hosts)
        {
            _hosts.Add(host);
        }

        return host;
    }

    public async Task<JsonElement> RequestSync(string accountId, string datePreset = "last_7d", bool force = false)
    {
        using var response = await Api.PostAsJsonAsync("api/meta-ads/sync", new { accountId, datePreset, force });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"POST /api/meta-ads/sync for {accountId} answered {(int)response.StatusCode}: {body}");
        }

        return body;
    }

    /// <summary>Asks for a sync of the account and waits until that run ended; returns its last view.</summary>
    public async Task<JsonElement> SyncToEnd(string accountId, TimeSpan timeout, bool force = false, string datePreset = "last_7d") =>
        await WaitForEnd((await RequestSync(accountId, datePreset, force)).GetProperty("syncId").GetGuid(), timeout);

    /// <summary>Polls the run until it ended; returns its last view.</summary>
    public async Task<JsonElement> WaitForEnd(Guid syncId, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        JsonElement run = default;
        while (clock.Elapsed < timeout)
        {
            // 503 + Retry-After is the API's answer while its database is away (a restart): a patient client asks again.
            using var response = await Api.GetAsync($"api/syncs/{syncId}");
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
            {
                response.EnsureSuccessStatusCode();
                run = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (Ended.Contains(run.GetProperty("status").GetString()))
                {
                    return run;
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Sync {syncId} did not end within {timeout}; last seen: {run}");
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        foreach (var host in Hosts)
        {
            await host.DisposeAsync();
        }

        if (_rabbit is not null)
        {
            await _rabbit.DisposeAsync();
        }

        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }
}
