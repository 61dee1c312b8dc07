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
        var rows = new List<IReadOnlyList<string>>();
        var throughput = new Dictionary<int, double>();
        var rowsPerSecond = new List<double>();
        var gateWaits = new List<string>();
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
            gateWaits.Add($"{fetchers} + {fetchers}: {(await ours.GateWaitAsync()).Since(gateBefore)}");
            var time = Spread.Of(measured.Select(m => m.Seconds));
            var written = data.Entities + data.InsightRows;
            throughput[fetchers] = data.Entities / time.Median;
            rowsPerSecond.Add(written / time.Median);
            rows.Add(
            [
                $"{fetchers} + {fetchers}", Format.Seconds(time.Median), Format.Seconds(time.Min), Format.Seconds(time.Max),
                Format.Number(data.Entities / time.Median), Format.Number(ids.Count / time.Median * 60, "N1"),
                Format.Number(written / time.Median), Format.Number(Spread.Of(measured.Select(m => (double)m.Stats.Calls)).Median),
                data.Verdict, Format.Number(measured.Sum(m => m.Stats.ThrottledResponses)), Format.Number(measured.Count(m => m.Error is not null)),
            ]);
        }

        report.Line($"{ids.Count} synthetic accounts requested at once (forced), simulator latency {latencyMs} ms per call; {runs} runs per " +
            "configuration after a warm-up on 20 accounts. Rows written = entities + insight rows upserted per run.");
        report.Line();
        report.Table(["Entity + insight fetchers", "Median", "Min", "Max", "Entities/s", "Syncs/min", "Rows written/s", "Graph calls", "Data vs truth", "Throttled", "Failed runs"], rows);
        report.Line("At the rate gate: " + string.Join("; ", gateWaits) + ".");
        report.Line();
        var ratio = throughput[2] / throughput[1];
        report.Line($"Two of each fetcher against one: {Format.Ratio(ratio)} the throughput.");
        report.Line();
        report.Goal("≥ 20,000 rows written/s", rowsPerSecond.Max() >= 20_000, string.Join(", ", rows.Select(r => $"{r[0]}: {r[6]}")));
        report.Goal("≥ 1.7× with two of each fetcher", ratio >= 1.7, Format.Ratio(ratio));
    }
}
