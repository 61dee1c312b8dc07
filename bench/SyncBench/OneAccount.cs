using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Scenarios <c>2ezi</c> (500 ms per call) and <c>overhead</c> (0 ms): one forced sync of 2EZi at a time, the seed's
/// algorithm and ours alternating on the same simulator, after a warm-up of each. Ours' warm-up (after two syncs of
/// another account) is 2EZi's first sync on an empty database (no shape known: its ads read by campaign as its campaign
/// read names them), reported apart; after the timed runs every host of ours is restarted and the first sync after it
/// (the database knows the account) is reported beside the warm median.
/// </summary>
static class OneAccount
{
    public const string TwoEzi = "act_697495618573979";

    /// <summary>Chekku (2): 188 ad sets, so that its ads page and its second sync is read in partitions.</summary>
    const string WarmUpAccount = "act_518830041276654";

    /// <summary>A sync that compiles fewer methods than this per process counts as quiet (JitSettling).</summary>
    const int QuietMethodsPerProcess = 3;

    /// <summary>The most untimed syncs of ours before the timed runs (<c>--settle N</c>; 0: none, the timed runs start on hosts still compiling).</summary>
    public const int MaxSettleSyncs = 80;

    /// <summary>The seed's algorithm settles sooner (124 calls a sync: its code is hot after a few), and at 500 ms per call a sync of it takes 10 s.</summary>
    const int MaxSeedSettleSyncs = 6;

    /// <param name="restartOnly">The host projects restarted before each first sync after a restart (every host when null).</param>
    public static async Task RunAsync(Report report, int latencyMs, int runs, int restarts, Action<Report, OneAccountResult> goals, int maxSettleSyncs = MaxSettleSyncs,
        IReadOnlyCollection<string>? restartOnly = null)
    {
        await using var simulator = await SimulatorProcess.StartAsync(new SimulatorOptions { LatencyMs = latencyMs, CallBudget = 1_000_000 });
        await using var ours = await OurSystem.StartAsync(simulator, fetchersEach: 2);
        await using var seed = await SeedBaseline.CreateAsync(simulator);

        // The hosts warm up on another account (its first sync, then one in partitions), so that 2EZi's first sync measures an
        // account whose shape is unknown, not cold processes: the first after a restart is measured apart below.
        Console.WriteLine("warm-up");
        await ours.WaitAsync(await ours.RequestAsync(WarmUpAccount), TimeSpan.FromMinutes(2));
        await ours.WaitAsync(await ours.RequestAsync(WarmUpAccount), TimeSpan.FromMinutes(2));
        var (firstSync, _) = await TimedAsync(ours);

        // Untimed syncs until neither side is still JIT-compiling what a sync runs (JitSettling): the median is a warm one.
        var living = ours.Hosts.Count(h => !h.HasExited);
        var (oursSettle, oursLast) = await JitSettling.UntilQuietAsync(async () => await ours.WaitAsync(await ours.RequestAsync(TwoEzi), TimeSpan.FromMinutes(2)),
            () => JitSettling.InHosts(ours), quietBelow: QuietMethodsPerProcess * living, max: maxSettleSyncs);
        var (seedSettle, seedLast) = await JitSettling.UntilQuietAsync(() => seed.SyncAsync(TwoEzi), JitSettling.InThisProcess,
            quietBelow: QuietMethodsPerProcess, max: Math.Min(maxSettleSyncs, MaxSeedSettleSyncs));
        Console.WriteLine($"settled: ours after {oursSettle} syncs ({oursLast} methods compiled in the last), the seed's after {seedSettle} ({seedLast})");

        var jitBeforeRuns = await ours.JitAsync();
        var gateBefore = await ours.GateWaitAsync();
        var seedRuns = new List<Measured>();
        var ourRuns = new List<Measured>();
        Timeline? lastTimeline = null;
        for (var i = 1; i <= runs; i++)
        {
            await simulator.ResetAsync();
            var baseline = await seed.SyncAsync(TwoEzi);
            seedRuns.Add(new Measured(baseline.Elapsed.TotalSeconds, await simulator.GetStatsAsync(), baseline.Error));

            await simulator.ResetAsync();
            var requested = DateTimeOffset.UtcNow;
            var run = await ours.WaitAsync(await ours.RequestAsync(TwoEzi), TimeSpan.FromMinutes(2));
            if (i == runs)
            {
                // Read now: the sync after the restart below rewrites the rows with its own run.
                lastTimeline = await Timeline.ReadAsync(ours.Database, run, requested);
            }

            ourRuns.Add(new Measured((run.FinishedAt - requested).TotalSeconds, await simulator.GetStatsAsync(), run.Status == "Completed" ? null : run.Status,
                (run.StartedAt - requested).TotalSeconds));
            Console.WriteLine($"run {i}: seed {Format.Seconds(seedRuns[^1].Seconds)}, ours {Format.Seconds(ourRuns[^1].Seconds)}");
        }

        // Before the restart: the hosts' counters start again from zero.
        var gateWait = (await ours.GateWaitAsync()).Since(gateBefore);
        var jitDuringRuns = await ours.JitAsync();
        // Each restart is one sample of a noisy figure (a fresh process per host on shared cores): with --restarts N the
        // median is reported, the JIT table and the timeline are the last restart's.
        var afterRestarts = new List<double>();
        var toReady = new List<double>();
        var restartCpu = new List<Usage>();
        IReadOnlyDictionary<string, (double Methods, double Seconds)> jitBefore = null!, jitAfter = null!;
        Timeline restartTimeline = null!;
        var restarted = restartOnly is null ? "every host" : string.Join(", ", restartOnly);
        for (var i = 1; i <= restarts; i++)
        {
            Console.WriteLine($"restarting {restarted} of ours ({i} of {restarts})");
            var restarting = Stopwatch.StartNew();
            await ours.RestartAsync(restartOnly is null ? null : restartOnly.Contains);
            toReady.Add(restarting.Elapsed.TotalSeconds);
            await simulator.ResetAsync();
            jitBefore = await ours.JitAsync();
            await using var meter = await ProcessMeter.StartAsync(() => Processes(ours, simulator), ours.Postgres);
            var (seconds, timed) = await TimedAsync(ours);
            restartCpu.Add(await meter.StopAsync());
            jitAfter = await ours.JitAsync();
            afterRestarts.Add(seconds);
            restartTimeline = await Timeline.ReadAsync(ours.Database, timed.Run, timed.Requested);
            Console.WriteLine($"restart {i}: every host ready in {Format.Seconds(toReady[^1])}, then the sync took {Format.Seconds(seconds)}");
        }

        var afterRestart = Spread.Of(afterRestarts).Median;

        var seedData = await simulator.CompareAsync(seed.Database.ConnectionString, [TwoEzi]);
        var ourData = await simulator.CompareAsync(ours.Database.ConnectionString, [TwoEzi]);
        report.Line($"2EZi, forced syncs, simulator latency {latencyMs} ms per call; {runs} runs of each after a warm-up, alternating.");
        report.Line();
        var (ourTime, ourCalls) = Measured.SideBySide(report, seedRuns, seedData, ourRuns, ourData);
        report.Line($"Of ours, from the POST to the saga's start: median {Format.Seconds(Spread.Of(ourRuns.Select(r => r.ToStart)).Median)}; " +
            $"at the rate gate: {gateWait}.");
        report.Line();
        report.Line($"Before the timed runs, untimed syncs until the JIT settled (two in a row compiling fewer than {QuietMethodsPerProcess} methods per " +
            $"process): ours {oursSettle} (at most {maxSettleSyncs}), the seed's {seedSettle} (at most {Math.Min(maxSettleSyncs, MaxSeedSettleSyncs)}). During the timed runs our hosts " +
            $"still compiled {Format.Number(jitDuringRuns.Sum(j => j.Value.Methods - jitBeforeRuns[j.Key].Methods))} methods " +
            $"({Format.Seconds(jitDuringRuns.Sum(j => j.Value.Seconds - jitBeforeRuns[j.Key].Seconds))} of JIT).");
        report.Value("settleSyncs", oursSettle);
        report.Value("seedSettleSyncs", seedSettle);
        report.Line();
        report.Line($"Ours' first sync on an empty database (no shape known yet): {Format.Seconds(firstSync)}. " +
            $"The first sync after a restart of {restarted} (the database knows the account): {Format.Seconds(afterRestart)}, " +
            $"{Format.Ratio(afterRestart / ourTime.Median)} the warm median" +
            (restarts > 1 ? $" (median of {restarts} restarts: {string.Join(", ", afterRestarts.Select(Format.Seconds))})" : "") +
            $"; every host ready {Format.Seconds(Spread.Of(toReady).Median)} after the restart began (median).");
        report.Value("firstSyncSeconds", Math.Round(firstSync, 3));
        report.Value("afterRestartSeconds", Math.Round(afterRestart, 3));
        report.Value("afterRestartRuns", new JsonArray(afterRestarts.Select(r => (JsonNode?)Math.Round(r, 3)).ToArray()));
        report.Value("restartToReadySeconds", Math.Round(Spread.Of(toReady).Median, 3));
        report.Line("What the JIT compiled during that first sync after the (last) restart (every process of each host, from the runtime's counters):");
        report.Line();
        report.Table("afterRestartJit", [("Host", "host"), ("Methods", "methods"), ("JIT time", "jitSeconds")],
            jitAfter.Select(j => (IReadOnlyList<Cell>)
            [
                j.Key, Cell.Count(j.Value.Methods - jitBefore[j.Key].Methods), Cell.Seconds(j.Value.Seconds - jitBefore[j.Key].Seconds),
            ]));
        report.Line();
        report.Line("CPU each process used from the POST of that first sync to its end (median over the restarts; the hosts' instances summed; " +
            "background JIT: the runtime's tiered-compilation thread, recompiling hot code at tier 1):");
        report.Line();
        report.Table("afterRestartCpu", [("Process", "process"), ("CPU", "cpuSeconds"), ("Of which background JIT", "backgroundJitSeconds")],
            restartCpu[^1].CpuSecondsByProcess.Keys.Order(StringComparer.Ordinal).Select(name => (IReadOnlyList<Cell>)
            [
                name, Cell.Seconds(Spread.Of(restartCpu.Select(u => u.CpuSecondsByProcess.GetValueOrDefault(name))).Median),
                restartCpu[^1].JitSecondsByHost.ContainsKey(name) ? Cell.Seconds(Spread.Of(restartCpu.Select(u => u.JitSecondsByHost.GetValueOrDefault(name))).Median) : new Cell("", null),
            ]));
        report.Line();
        goals(report, new OneAccountResult(ourTime, ourCalls, firstSync, afterRestart));
        report.Line();
        lastTimeline!.WriteTo(report);
        report.Line();
        restartTimeline.WriteTo(report, "the first run after the restart", "afterRestartTimeline");
    }

    /// <summary>
    /// What the CPU of a restart's first sync is measured on: the hosts, the simulator, and the PostgreSQL and RabbitMQ of
    /// scripts/services.sh with their children (found from their pid files; left out when the files are elsewhere).
    /// </summary>
    static IEnumerable<Measuring> Processes(OurSystem ours, SimulatorProcess simulator)
    {
        foreach (var host in ours.Hosts.Where(h => !h.HasExited))
        {
            yield return new Measuring(host.Project, host.ProcessId, Host: true);
        }

        yield return new Measuring("GraphSimulator", simulator.ProcessId);
        var services = Environment.GetEnvironmentVariable("METAADSSYNC_SERVICES_DIR") ?? Path.Combine(RepoPaths.Root, ".local", "services");
        foreach (var (name, pidFile) in new[] { ("PostgreSQL", Path.Combine(services, "postgres", "data", "postmaster.pid")), ("RabbitMQ", Path.Combine(services, "rabbitmq", "rabbit.pid")) })
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), CultureInfo.InvariantCulture, out var pid))
            {
                yield return new Measuring(name, pid, Tree: true);
            }
        }
    }

    /// <summary>One forced sync of 2EZi, from just before its POST to its end, in seconds; and the run, for its timeline.</summary>
    static async Task<(double Seconds, (FinishedRun Run, DateTimeOffset Requested) Timed)> TimedAsync(OurSystem ours)
    {
        var requested = DateTimeOffset.UtcNow;
        var run = await ours.WaitAsync(await ours.RequestAsync(TwoEzi), TimeSpan.FromMinutes(2));
        return ((run.FinishedAt - requested).TotalSeconds, (run, requested));
    }
}

/// <summary>Ours' figures of a one-account scenario: the timed runs, the first sync on an empty database, the first after a restart.</summary>
sealed record OneAccountResult(Spread Time, Spread Calls, double FirstSync, double AfterRestart);

/// <summary>One timed run: seconds, what the simulator counted, and an error or non-completed status if any.</summary>
sealed record Measured(double Seconds, SimulatorStats Stats, string? Error, double ToStart = 0)
{
    /// <summary>The seed's runs and ours in one table, and the ratios at the median; returns ours' time and calls.</summary>
    public static (Spread Time, Spread Calls) SideBySide(Report report, List<Measured> seed, Checked seedData, List<Measured> ours, Checked ourData, string note = "")
    {
        Table(report, [("seed baseline", seed, seedData), ("ours", ours, ourData)]);
        var ourTime = Spread.Of(ours.Select(r => r.Seconds));
        var ourCalls = Spread.Of(ours.Select(r => (double)r.Stats.Calls));
        report.Line($"Ours is {Format.Ratio(Spread.Of(seed.Select(r => r.Seconds)).Median / ourTime.Median)} faster than the seed at the median " +
            $"and makes {Format.Ratio(Spread.Of(seed.Select(r => (double)r.Stats.Calls)).Median / ourCalls.Median)} fewer Graph calls{note}.");
        report.Line();
        return (ourTime, ourCalls);
    }

    static void Table(Report report, IEnumerable<(string System, List<Measured> Runs, Checked Data)> systems) =>
        report.Table("systems",
            [
                ("System", "system"), ("Median", "median"), ("Min", "min"), ("Max", "max"), ("Graph calls (median)", "graphCallsMedian"),
                ("Entities", "entities"), ("Insight rows", "insightRows"), ("Data vs truth", "dataVsTruth"), ("Throttled", "throttled"),
                ("Failed runs", "failedRuns"),
            ],
            systems.Select(s =>
            {
                var time = Spread.Of(s.Runs.Select(r => r.Seconds));
                return (IReadOnlyList<Cell>)
                [
                    s.System, Cell.Seconds(time.Median), Cell.Seconds(time.Min), Cell.Seconds(time.Max),
                    Cell.Count(Spread.Of(s.Runs.Select(r => (double)r.Stats.Calls)).Median),
                    Cell.Count(s.Data.Entities), Cell.Count(s.Data.InsightRows), s.Data.Verdict,
                    Cell.Count(s.Runs.Sum(r => r.Stats.ThrottledResponses)), Cell.Count(s.Runs.Count(r => r.Error is not null)),
                ];
            }));
}
