using System.Globalization;
using System.Text.Json.Nodes;
using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Scenario <c>scale</c>: synthetic accounts (about 1,000 entities each) all requested at once, with more and more of each
/// fetcher, on a PostgreSQL and a RabbitMQ of the bench's own and the simulator in its own process, so that the CPU of
/// every process is the system's. Two regimes: latency-bound (500 ms per call, each fetcher's consumers capped low, 1, 2
/// and 4 of each fetcher) and CPU-bound (50 ms per call, 1 and 2 of each). Optionally one fetcher is SIGKILLed and replaced
/// every so often throughout.
/// </summary>
static class Scale
{
    const int WarmUpAccounts = 20;

    /// <summary>A regime: the simulator's latency, the fetcher counts to compare, the accounts and what the hosts are given.</summary>
    sealed record Regime(string Name, int LatencyMs, int[] Fetchers, int Accounts, IReadOnlyDictionary<string, string> Settings);

    public static async Task RunAsync(Report report, int runs, int? accounts, string regimes, TimeSpan? killEvery)
    {
        var chosen = new List<Regime>();
        if (regimes is "latency" or "both")
        {
            chosen.Add(new Regime("latency", 500, [1, 2, 4], accounts ?? 40, HostSettings(consumers: 3)));
        }

        if (regimes is "cpu" or "both")
        {
            chosen.Add(new Regime("cpu", 50, [1, 2], accounts ?? 200, HostSettings(consumers: null)));
        }

        await using var simulator = await SimulatorProcess.StartAsync(new SimulatorOptions
        {
            IncludeSeedAccounts = false,
            SyntheticAccounts = chosen.Max(r => r.Accounts),
            CallBudget = 1_000_000,
            AppCallBudget = 100_000_000,
        });
        await using var postgres = await PrivatePostgres.StartAsync(maxConnections: 300);
        await using var rabbit = await PrivateRabbitMq.StartAsync();

        var configurations = new List<Configuration>();
        foreach (var regime in chosen)
        {
            await simulator.ConfigureAsync(new { regime.LatencyMs });
            var ids = simulator.AccountIds.Take(regime.Accounts).ToList();
            foreach (var fetchers in regime.Fetchers)
            {
                var name = $"scale_{regime.Name}_{fetchers}";
                var database = await postgres.CreateDatabaseAsync(name);
                var broker = await rabbit.AddVirtualHostAsync(name);
                try
                {
                    configurations.Add(await MeasureAsync(simulator, postgres, rabbit, regime, fetchers, ids, runs, killEvery, database, broker));
                }
                finally
                {
                    await postgres.DropDatabaseAsync(name);
                }
            }
        }

        Write(report, chosen, configurations, runs, killEvery);
    }

    static async Task<Configuration> MeasureAsync(SimulatorProcess simulator, PrivatePostgres postgres, PrivateRabbitMq rabbit, Regime regime, int fetchers,
        List<string> ids, int runs, TimeSpan? killEvery, string database, IReadOnlyDictionary<string, string> broker)
    {
        await using var ours = await OurSystem.StartAsync(simulator, fetchers, regime.Settings, database, broker);
        Console.WriteLine($"{regime.Name}, {fetchers} fetcher(s) each: warm-up on {Math.Min(WarmUpAccounts, ids.Count)} accounts");
        await ours.SyncAllAsync(ids.Take(WarmUpAccounts).ToList(), TimeSpan.FromMinutes(10));

        var gateBefore = await ours.GateWaitAsync();
        var meter = await ProcessMeter.StartAsync(() => Processes(ours, simulator, postgres, rabbit), database);
        await using (meter)
        {
            var killer = killEvery is { } every ? new FetcherKiller(ours, every) : null;
            var measured = new List<Measured>();
            for (var i = 1; i <= runs; i++)
            {
                await simulator.ResetAsync();
                var (elapsed, finished) = await ours.SyncAllAsync(ids, TimeSpan.FromMinutes(60));
                measured.Add(new Measured(elapsed.TotalSeconds, await simulator.GetStatsAsync(), finished.FirstOrDefault(r => r.Status != "Completed")?.Status));
                Console.WriteLine($"run {i}: {Format.Seconds(elapsed.TotalSeconds)}");
            }

            var kills = killer is null ? 0 : await killer.StopAsync();
            var usage = await meter.StopAsync();
            var data = await simulator.CompareAsync(database, ids);
            return new Configuration(regime.Name, fetchers, ids.Count, measured, data, usage, (await ours.GateWaitAsync()).Since(gateBefore), kills,
                Machine.LoadAverage());
        }
    }

    /// <summary>Every process whose CPU is the system's, the bench's own included.</summary>
    static IEnumerable<Measuring> Processes(OurSystem ours, SimulatorProcess simulator, PrivatePostgres postgres, PrivateRabbitMq rabbit)
    {
        foreach (var host in ours.Hosts)
        {
            yield return new Measuring(host.Project, host.ProcessId, Host: true);
        }

        yield return new Measuring("GraphSimulator", simulator.ProcessId, Host: true);
        yield return new Measuring("PostgreSQL", postgres.ServerProcessId, Tree: true);
        if (rabbit.ProcessId is { } broker)
        {
            yield return new Measuring("RabbitMQ", broker, Tree: true);
        }

        yield return new Measuring("bench", Environment.ProcessId);
    }

    /// <summary>
    /// What the hosts are given beyond the defaults: runs queued behind a few hundred others outlast the default
    /// <c>Sync:RunTimeout</c>; the latency-bound regime caps each fetcher's consumers so that its throughput is the latency's.
    /// </summary>
    static Dictionary<string, string> HostSettings(int? consumers)
    {
        var settings = new Dictionary<string, string> { ["Sync__RunTimeout"] = "01:00:00" };
        if (consumers is { } limit)
        {
            settings["Sync__EntityFetchConcurrency"] = limit.ToString(CultureInfo.InvariantCulture);
            settings["Sync__InsightFetchConcurrency"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }

    static void Write(Report report, List<Regime> regimes, List<Configuration> configurations, int runs, TimeSpan? killEvery)
    {
        report.Line($"Synthetic accounts requested at once (forced), {runs} run(s) per configuration after a warm-up on " +
            $"{Math.Min(WarmUpAccounts, regimes.Min(r => r.Accounts))} accounts; " +
            "PostgreSQL and RabbitMQ of the bench's own, the simulator in its own process. CPU is utime + stime from /proc over the measured runs " +
            "(warm-up excluded) of every process: hosts, simulator, PostgreSQL with its backends, RabbitMQ, the bench; CPU ms per entity = all of it / " +
            "entities synced in the runs. Peak PostgreSQL connections counts client backends, the bench's two included.");
        report.Line();
        foreach (var regime in regimes)
        {
            report.Line($"Regime {regime.Name}: {regime.LatencyMs} ms per call, {regime.Accounts} accounts; host settings " +
                string.Join(", ", regime.Settings.Select(s => $"`{s.Key}={s.Value}`")) + ".");
        }

        if (killEvery is { } every)
        {
            report.Line($"One fetcher (entity and insight in turn) SIGKILLed and replaced every {every.TotalSeconds:F0} s throughout the measured runs.");
        }

        report.Line();
        report.Value("settings", new JsonObject(regimes.Select(r => KeyValuePair.Create(r.Name,
            (JsonNode?)new JsonObject(r.Settings.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value)))))));
        report.Table("configurations",
            [
                ("Regime", "regime"), ("Entity fetchers", "entityFetchers"), ("Insight fetchers", "insightFetchers"), ("Accounts", "accounts"),
                ("Entities", "entities"), ("Runs", "runs"), ("Median", "seconds"), ("Min", "minSeconds"), ("Max", "maxSeconds"),
                ("Entities/s", "entitiesPerSecond"), ("Vs one of each", "throughputVsOne"), ("CPU s by process", "cpuSecondsByProcess"),
                ("CPU ms/entity", "cpuMsPerEntity"), ("Peak PostgreSQL connections", "peakPostgresConnections"), ("Peak RSS MB by host", "peakRssMbByHost"),
                ("Graph calls", "graphCalls"), ("Data vs truth", "dataVsTruth"), ("Failed runs", "failedRuns"), ("Kills", "kills"),
                ("Load average", "loadAverage"),
            ],
            configurations.Select(c => (IReadOnlyList<Cell>)
            [
                c.Regime, Cell.Count(c.Fetchers), Cell.Count(c.Fetchers), Cell.Count(c.Accounts), Cell.Count(c.Data.Entities), Cell.Count(c.Runs.Count),
                Cell.Seconds(c.Time.Median), Cell.Seconds(c.Time.Min), Cell.Seconds(c.Time.Max),
                Cell.Number(Math.Round(c.EntitiesPerSecond), "N0"), Cell.Ratio(c.EntitiesPerSecond / One(configurations, c).EntitiesPerSecond),
                Cell.Figures(c.Usage.CpuSecondsByProcess, "N1"), Cell.Number(Math.Round(c.CpuMsPerEntity, 4), "N3"),
                Cell.Count(c.Usage.PeakPostgresConnections), Cell.Figures(c.Usage.PeakRssMbByHost, "N0"),
                Cell.Count(Spread.Of(c.Runs.Select(m => (double)m.Stats.Calls)).Median), c.Data.Verdict,
                Cell.Count(c.Runs.Count(m => m.Error is not null)), Cell.Count(c.Kills),
                new Cell(Machine.Text(c.LoadAverage), Machine.Json(c.LoadAverage)),
            ]));
        report.Line("At the rate gate: " + string.Join("; ", configurations.Select(c => $"{c.Name}: {c.GateWait}")) + ".");
        report.Line();
        Goals(report, configurations);
    }

    static void Goals(Report report, List<Configuration> configurations)
    {
        var latency = configurations.Where(c => c.Regime == "latency").ToList();
        foreach (var (fetchers, goal) in new[] { (2, 1.85), (4, 3.4) })
        {
            if (latency.FirstOrDefault(c => c.Fetchers == fetchers) is { } c)
            {
                var ratio = c.EntitiesPerSecond / One(configurations, c).EntitiesPerSecond;
                report.Goal($"latency-bound, {c.Name} ≥ {goal:F2}× of 1 + 1", ratio >= goal, Format.Ratio(ratio));
            }
        }

        var cpu = configurations.Where(c => c.Regime == "cpu").ToList();
        if (cpu.Count > 0)
        {
            var best = cpu.MaxBy(c => c.EntitiesPerSecond)!;
            report.Goal("CPU-bound ≥ 15,000 entities/s", best.EntitiesPerSecond >= 15_000, $"{best.Name}: {Format.Number(best.EntitiesPerSecond)}");
            if (cpu.FirstOrDefault(c => c.Fetchers == 2) is { } two)
            {
                var ratio = two.EntitiesPerSecond / One(configurations, two).EntitiesPerSecond;
                report.Goal("CPU-bound, 2 + 2 no slower than 1 + 1", ratio >= 1, Format.Ratio(ratio));
            }

            var leanest = cpu.MinBy(c => c.CpuMsPerEntity)!;
            report.Goal("CPU-bound ≤ 0.1 ms of CPU per entity", leanest.CpuMsPerEntity <= 0.1,
                string.Join(", ", cpu.Select(c => $"{c.Name}: {Format.Number(c.CpuMsPerEntity, "N3")} ms")));
        }

        report.Goal("every run complete with exact data", configurations.All(c => c.Data.Problems.Count == 0 && c.Runs.All(m => m.Error is null)),
            string.Join(", ", configurations.Select(c => $"{c.Regime} {c.Name}: {c.Data.Verdict}, {c.Runs.Count(m => m.Error is not null)} failed")));
    }

    /// <summary>The configuration of the same regime with one of each fetcher (the one compared with).</summary>
    static Configuration One(List<Configuration> configurations, Configuration c) =>
        configurations.FirstOrDefault(o => o.Regime == c.Regime && o.Fetchers == 1) ?? c;

    /// <summary>One configuration's runs, the data they left, what the processes used and what the calls waited at the rate gate.</summary>
    sealed record Configuration(string Regime, int Fetchers, int Accounts, IReadOnlyList<Measured> Runs, Checked Data, Usage Usage, GateWait GateWait,
        int Kills, double[] LoadAverage)
    {
        public string Name => $"{Fetchers} + {Fetchers}";
        public Spread Time { get; } = Spread.Of(Runs.Select(m => m.Seconds));
        public double EntitiesPerSecond => Data.Entities / Time.Median;
        public double CpuMsPerEntity => Usage.CpuSeconds * 1000 / ((double)Data.Entities * Runs.Count);
    }
}
