using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
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
    /// <summary>
    /// The warm-up is one pass over the configuration's own accounts (up to this many): the hosts start fresh, and a
    /// smaller warm-up left their JIT tiering up the hot paths during the measured run (half the Gateway's and a quarter
    /// of the Orchestrator's CPU there, by perf), which a long-running host never pays again.
    /// </summary>
    const int WarmUpAccounts = 200;

    /// <summary>How many of PostgreSQL's costliest statements each configuration lists.</summary>
    const int TopStatements = 10;

    /// <summary>After the warm-up, what counts as quiet before measuring: the system's processes together under this share of a core.</summary>
    const double QuietCores = 0.1;

    /// <summary>A regime: the simulator's latency, the fetcher counts to compare, the accounts and what the hosts are given.</summary>
    sealed record Regime(string Name, int LatencyMs, int[] Fetchers, int Accounts, IReadOnlyDictionary<string, string> Settings);

    public static async Task RunAsync(Report report, int runs, int? accounts, string regimes, TimeSpan? killEvery, int[]? fetcherCounts = null)
    {
        var chosen = new List<Regime>();
        if (regimes is "latency" or "both")
        {
            chosen.Add(new Regime("latency", 500, fetcherCounts ?? [1, 2, 4], accounts ?? 40, HostSettings(consumers: 3)));
        }

        if (regimes is "cpu" or "both")
        {
            chosen.Add(new Regime("cpu", 50, fetcherCounts ?? [1, 2], accounts ?? 200, HostSettings(consumers: null)));
        }

        await using var simulator = await SimulatorProcess.StartAsync(new SimulatorOptions
        {
            IncludeSeedAccounts = false,
            SyntheticAccounts = chosen.Max(r => r.Accounts),
            CallBudget = 1_000_000,
            AppCallBudget = 100_000_000,
        });
        // pg_stat_statements: where PostgreSQL's share goes, statement by statement (reported for each configuration).
        await using var postgres = await PrivatePostgres.StartAsync(maxConnections: 300,
            settings: "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all");
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
        await ours.SyncAllAsync(ids.Take(WarmUpAccounts).ToList(), TimeSpan.FromMinutes(30));
        await AnalyzeAsync(database);
        var settled = await ProcessMeter.QuietAsync(() => Processes(ours, simulator, postgres, rabbit).Where(p => p.Name != "bench"), QuietCores, TimeSpan.FromSeconds(60));
        Console.WriteLine($"quiet after {Format.Seconds(settled.TotalSeconds)}");

        var gateBefore = await ours.GateWaitAsync();
        var sagaEventsBefore = await ours.SagaEventsAsync();
        await StatementStats.ResetAsync(database);
        var meter = await ProcessMeter.StartAsync(() => Processes(ours, simulator, postgres, rabbit), database);
        await using (meter)
        {
            var killer = killEvery is { } every ? new FetcherKiller(ours, every) : null;
            var measured = new List<Measured>();
            for (var i = 1; i <= runs; i++)
            {
                await simulator.ResetAsync();
                Console.WriteLine($"run {i}: {ids.Count} accounts at once");
                var (elapsed, finished) = await ours.SyncAllAsync(ids, TimeSpan.FromMinutes(60));
                measured.Add(new Measured(elapsed.TotalSeconds, await simulator.GetStatsAsync(), finished.FirstOrDefault(r => r.Status != "Completed")?.Status));
                Console.WriteLine($"run {i}: {Format.Seconds(elapsed.TotalSeconds)}");
            }

            var kills = killer is null ? 0 : await killer.StopAsync();
            var usage = await meter.StopAsync();
            if (killer is not null)
            {
                await killer.ReplacementsReadyAsync();
            }
            var sagaEvents = await ours.SagaEventsAsync() - sagaEventsBefore;
            var statements = await StatementStats.TopAsync(database, TopStatements);
            var data = await simulator.CompareAsync(database, ids);
            return new Configuration(regime.Name, fetchers, ids.Count, measured, data, usage, (await ours.GateWaitAsync()).Since(gateBefore), kills,
                sagaEvents, statements, Machine.LoadAverage());
        }
    }

    /// <summary>
    /// Gives the configuration's new database the statistics a copy in use has. The warm-up filled its tables from empty,
    /// and the hosts' prepared upserts took their generic plans on the first pages (a hash join over a sequential scan,
    /// right for an empty table); PostgreSQL replans them when autovacuum analyzes the table, but autovacuum's first
    /// visit to a database created a minute before may come after the measured run (seen: the insights upsert at 13.7 ms
    /// a call, scanning all 26,089 rows, against about 1 ms by its index).
    /// </summary>
    static async Task AnalyzeAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("ANALYZE", connection);
        await command.ExecuteNonQueryAsync();
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
            $"the same accounts (up to {WarmUpAccounts}) and an ANALYZE of the new database (the statistics autovacuum gives a copy in use), then until the system's processes used under {QuietCores:F1} of a core for a second (at most 60 s); " +
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
                ("CPU ms/entity", "cpuMsPerEntity"), ("CPU ms/entity without simulator and bench", "systemCpuMsPerEntity"),
                ("CPU ms/entity without background JIT", "cpuMsPerEntityWithoutJit"), ("Background JIT s by host", "jitSecondsByHost"),
                ("PostgreSQL transactions per Graph call", "postgresTransactionsPerGraphCall"), ("Saga events", "sagaEvents"), ("Orchestrator CPU ms/saga event", "orchestratorMsPerSagaEvent"),
                ("Same without its background JIT", "orchestratorMsPerSagaEventWithoutJit"), ("Peak PostgreSQL connections", "peakPostgresConnections"), ("Peak RSS MB by host", "peakRssMbByHost"),
                ("Graph calls", "graphCalls"), ("Data vs truth", "dataVsTruth"), ("Failed runs", "failedRuns"), ("Kills", "kills"),
                ("Load average", "loadAverage"),
            ],
            configurations.Select(c => (IReadOnlyList<Cell>)
            [
                c.Regime, Cell.Count(c.Fetchers), Cell.Count(c.Fetchers), Cell.Count(c.Accounts), Cell.Count(c.Data.Entities), Cell.Count(c.Runs.Count),
                Cell.Seconds(c.Time.Median), Cell.Seconds(c.Time.Min), Cell.Seconds(c.Time.Max),
                Cell.Number(Math.Round(c.EntitiesPerSecond), "N0"), Cell.Ratio(c.EntitiesPerSecond / One(configurations, c).EntitiesPerSecond),
                Cell.Figures(c.Usage.CpuSecondsByProcess, "N1"), Cell.Number(Math.Round(c.CpuMsPerEntity, 4), "N3"),
                Cell.Number(Math.Round(c.SystemCpuMsPerEntity, 4), "N3"), Cell.Number(Math.Round(c.CpuMsPerEntityWithoutJit, 4), "N3"),
                Cell.Figures(c.Usage.JitSecondsByHost, "N1"),
                Cell.Number(Math.Round(c.Usage.PostgresTransactions / Math.Max(1d, c.Runs.Sum(m => (double)m.Stats.Calls)), 1), "N1"), Cell.Count(c.SagaEvents),
                c.OrchestratorMsPerSagaEvent is { } perEvent ? Cell.Number(Math.Round(perEvent, 2), "N2") : Cell.Missing,
                c.OrchestratorMsPerSagaEventWithoutJit is { } lean ? Cell.Number(Math.Round(lean, 2), "N2") : Cell.Missing,
                Cell.Count(c.Usage.PeakPostgresConnections), Cell.Figures(c.Usage.PeakRssMbByHost, "N0"),
                Cell.Count(Spread.Of(c.Runs.Select(m => (double)m.Stats.Calls)).Median), c.Data.Verdict,
                Cell.Count(c.Runs.Count(m => m.Error is not null)), Cell.Count(c.Kills),
                new Cell(Machine.Text(c.LoadAverage), Machine.Json(c.LoadAverage)),
            ]));
        report.Table("cpuByProcess",
            [
                ("Regime", "regime"), ("Fetchers each", "fetchers"), ("Process", "process"), ("CPU s", "cpuSeconds"), ("Of which background JIT s", "jitSeconds"),
                ("CPU ms per 1,000 entities", "cpuMsPerThousandEntities"), ("Share", "share"), ("Load average", "loadAverage"),
            ],
            configurations.SelectMany(c => c.Usage.CpuSecondsByProcess.OrderByDescending(p => p.Value).Select(p => (IReadOnlyList<Cell>)
            [
                c.Regime, Cell.Count(c.Fetchers), p.Key, Cell.Number(p.Value, "N2"),
                c.Usage.JitSecondsByHost.TryGetValue(p.Key, out var jit) ? Cell.Number(jit, "N2") : Cell.Missing,
                Cell.Number(Math.Round(p.Value * 1_000_000 / c.EntitiesSynced, 2), "N2"),
                Cell.Number(Math.Round(p.Value / c.Usage.CpuSeconds, 3), "P0"),
                new Cell(Machine.Text(c.LoadAverage), Machine.Json(c.LoadAverage)),
            ])));
        report.Line($"PostgreSQL's costliest statements over the measured runs (pg_stat_statements, planning and execution), per Graph call:");
        report.Line();
        report.Table("postgresStatements",
            [
                ("Regime", "regime"), ("Fetchers each", "fetchers"), ("Statement", "statement"), ("Calls", "calls"),
                ("Calls per Graph call", "callsPerGraphCall"), ("Total ms", "totalMs"), ("µs per call", "microsecondsPerCall"),
            ],
            configurations.SelectMany(c => c.Statements.Select(st => (IReadOnlyList<Cell>)
            [
                c.Regime, Cell.Count(c.Fetchers), "`" + st.Statement.Replace("|", "\\|", StringComparison.Ordinal) + "`", Cell.Count(st.Calls),
                Cell.Number(Math.Round(st.Calls / Math.Max(1d, c.Runs.Sum(m => (double)m.Stats.Calls)), 2), "N2"),
                Cell.Number(Math.Round(st.TotalMs), "N0"), Cell.Number(Math.Round(st.TotalMs * 1000 / Math.Max(1, st.Calls)), "N0"),
            ])));
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
                string.Join(", ", cpu.Select(c => $"{c.Name}: {Format.Number(c.CpuMsPerEntity, "N3")} ms ({Format.Number(c.SystemCpuMsPerEntity, "N3")} without " +
                    $"simulator and bench, {Format.Number(c.CpuMsPerEntityWithoutJit, "N3")} without background JIT)")));
        }

        if (configurations.Where(c => c.OrchestratorMsPerSagaEvent is not null).MinBy(c => c.OrchestratorMsPerSagaEvent) is { } saga)
        {
            report.Goal("≤ 2 ms of Orchestrator CPU per saga event", saga.OrchestratorMsPerSagaEvent <= 2,
                string.Join(", ", configurations.Where(c => c.OrchestratorMsPerSagaEvent is not null)
                    .Select(c => $"{c.Regime} {c.Name}: {Format.Number(c.OrchestratorMsPerSagaEvent!.Value, "N2")} ms")));
        }

        report.Goal("every run complete with exact data", configurations.All(c => c.Data.Problems.Count == 0 && c.Runs.All(m => m.Error is null)),
            string.Join(", ", configurations.Select(c => $"{c.Regime} {c.Name}: {c.Data.Verdict}, {c.Runs.Count(m => m.Error is not null)} failed")));
    }

    /// <summary>The configuration of the same regime with one of each fetcher (the one compared with).</summary>
    static Configuration One(List<Configuration> configurations, Configuration c) =>
        configurations.FirstOrDefault(o => o.Regime == c.Regime && o.Fetchers == 1) ?? c;

    /// <summary>One configuration's runs, the data they left, what the processes used and what the calls waited at the rate gate.</summary>
    sealed record Configuration(string Regime, int Fetchers, int Accounts, IReadOnlyList<Measured> Runs, Checked Data, Usage Usage, GateWait GateWait,
        int Kills, long SagaEvents, IReadOnlyList<StatementCost> Statements, double[] LoadAverage)
    {
        public string Name => $"{Fetchers} + {Fetchers}";
        public Spread Time { get; } = Spread.Of(Runs.Select(m => m.Seconds));
        public double EntitiesPerSecond => Data.Entities / Time.Median;
        public double EntitiesSynced => (double)Data.Entities * Runs.Count;
        public double CpuMsPerEntity => Usage.CpuSeconds * 1000 / EntitiesSynced;

        /// <summary>Without the stand-ins for Meta (the simulator) and for the API's client (the bench): what the system itself spent.</summary>
        public double SystemCpuMsPerEntity =>
            Usage.CpuSecondsByProcess.Where(p => p.Key is not ("GraphSimulator" or "bench")).Sum(p => p.Value) * 1000 / EntitiesSynced;

        /// <summary>
        /// All of it but the hosts' background JIT: what a long-running system spends (fresh hosts still tier up hot code
        /// through the measured runs, however long the warm-up).
        /// </summary>
        public double CpuMsPerEntityWithoutJit => (Usage.CpuSeconds - Usage.JitSecondsByHost.Values.Sum()) * 1000 / EntitiesSynced;

        /// <summary>Orchestrator CPU per saga event (every message the saga handled in the measured runs); null when none was counted.</summary>
        public double? OrchestratorMsPerSagaEvent =>
            SagaEvents > 0 ? Usage.CpuSecondsByProcess.GetValueOrDefault("Orchestrator") * 1000 / SagaEvents : null;

        /// <summary>The same without the Orchestrator's background JIT.</summary>
        public double? OrchestratorMsPerSagaEventWithoutJit =>
            SagaEvents > 0
                ? (Usage.CpuSecondsByProcess.GetValueOrDefault("Orchestrator") - Usage.JitSecondsByHost.GetValueOrDefault("Orchestrator")) * 1000 / SagaEvents
                : null;
    }
}
