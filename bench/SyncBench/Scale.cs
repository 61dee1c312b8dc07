using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Scenario <c>scale</c>: 200 synthetic accounts (about 200,000 entities) at 50 ms per call, all requested at once,
/// with one and then two instances of each fetcher; throughput of each and the ratio between them.
/// </summary>
static class Scale
{
    public static async Task RunAsync(Report report, int latencyMs, int runs, int accounts)
    {
        await using var simulator = await SimulatorApp.StartAsync(new SimulatorOptions
        {
            LatencyMs = latencyMs,
            IncludeSeedAccounts = false,
            SyntheticAccounts = accounts,
            CallBudget = 1_000_000,
            AppCallBudget = 100_000_000,
        });
        var ids = simulator.AccountIds;
        var configurations = new List<Configuration>();
        foreach (var fetchers in new[] { 1, 2 })
        {
            await using var ours = await OurSystem.StartAsync(simulator, fetchers);
            Console.WriteLine($"{fetchers} fetcher(s) each: warm-up on {Math.Min(20, ids.Count)} accounts");
            await ours.SyncAllAsync(ids.Take(20).ToList(), TimeSpan.FromMinutes(5));

            var gateBefore = await ours.GateWaitAsync();
            var measured = new List<Measured>();
            for (var i = 1; i <= runs; i++)
            {
                simulator.Reset();
                var (elapsed, finished) = await ours.SyncAllAsync(ids, TimeSpan.FromMinutes(15));
                measured.Add(new Measured(elapsed.TotalSeconds, simulator.GetStats(), finished.FirstOrDefault(r => r.Status != "Completed")?.Status));
                Console.WriteLine($"run {i}: {Format.Seconds(elapsed.TotalSeconds)}");
            }

            var data = await StoredData.CompareAsync(ours.Database.ConnectionString, simulator, ids);
            configurations.Add(new Configuration(fetchers, measured, data, (await ours.GateWaitAsync()).Since(gateBefore)));
        }

        report.Line($"{ids.Count} synthetic accounts requested at once (forced), simulator latency {latencyMs} ms per call; {runs} runs per " +
            "configuration after a warm-up on 20 accounts. Rows written = entities + insight rows upserted per run.");
        report.Line();
        report.Table(["Entity + insight fetchers", "Median", "Min", "Max", "Entities/s", "Syncs/min", "Rows written/s", "Graph calls", "Data vs truth", "Throttled", "Failed runs"],
            configurations.Select(c => (IReadOnlyList<string>)
            [
                c.Name, Format.Seconds(c.Time.Median), Format.Seconds(c.Time.Min), Format.Seconds(c.Time.Max),
                Format.Number(c.EntitiesPerSecond), Format.Number(ids.Count / c.Time.Median * 60, "N1"),
                Format.Number(c.RowsPerSecond), Format.Number(Spread.Of(c.Runs.Select(m => (double)m.Stats.Calls)).Median),
                c.Data.Verdict, Format.Number(c.Runs.Sum(m => m.Stats.ThrottledResponses)), Format.Number(c.Runs.Count(m => m.Error is not null)),
            ]));
        report.Line("At the rate gate: " + string.Join("; ", configurations.Select(c => $"{c.Name}: {c.GateWait}")) + ".");
        report.Line();
        var ratio = configurations[1].EntitiesPerSecond / configurations[0].EntitiesPerSecond;
        report.Line($"Two of each fetcher against one: {Format.Ratio(ratio)} the throughput.");
        report.Line();
        report.Goal("≥ 20,000 rows written/s", configurations.Max(c => c.RowsPerSecond) >= 20_000,
            string.Join(", ", configurations.Select(c => $"{c.Name}: {Format.Number(c.RowsPerSecond)}")));
        report.Goal("≥ 1.7× with two of each fetcher", ratio >= 1.7, Format.Ratio(ratio));
    }

    /// <summary>One configuration's runs, the data they left and what they waited at the rate gate.</summary>
    sealed record Configuration(int Fetchers, IReadOnlyList<Measured> Runs, Checked Data, GateWait GateWait)
    {
        public string Name => $"{Fetchers} + {Fetchers}";
        public Spread Time { get; } = Spread.Of(Runs.Select(m => m.Seconds));
        public double EntitiesPerSecond => Data.Entities / Time.Median;
        public double RowsPerSecond => (Data.Entities + Data.InsightRows) / Time.Median;
    }
}
