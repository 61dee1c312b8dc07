using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Scenario <c>incremental</c>: 2EZi re-synced after a few changes (an ad renamed, a campaign paused or resumed, an ad
/// created), alternately by a full read (forced) and an incremental one (unforced, <c>Sync:EntityMaxAge</c> 0 so
/// nothing is replayed), at 500 ms per call. Insights are read by both alike (<c>Sync:InsightMaxAge</c> 0), so the
/// difference is the entity reads': their Graph calls and response bytes as the simulator counted them.
/// </summary>
static class Incremental
{
    static readonly string[] EntityEdges = ["campaigns", "adsets", "ads"];

    sealed record Resync(double Seconds, long Calls, long EntityCalls, long Bytes, long EntityBytes, string Status);

    public static async Task RunAsync(Report report, int latencyMs, int runs)
    {
        await using var simulator = await SimulatorProcess.StartAsync(new SimulatorOptions { LatencyMs = latencyMs, CallBudget = 1_000_000 });
        await using var ours = await OurSystem.StartAsync(simulator, fetchersEach: 2, new Dictionary<string, string>
        {
            ["Sync__EntityMaxAge"] = "00:00:00",
            ["Sync__InsightMaxAge"] = "00:00:00",
        });

        Console.WriteLine("warm-up");
        await ours.WaitAsync(await ours.RequestAsync(OneAccount.TwoEzi), TimeSpan.FromMinutes(2));
        var full = new List<Resync>();
        var incremental = new List<Resync>();
        for (var i = 1; i <= runs; i++)
        {
            await ChangeAsync(simulator, i * 2);
            full.Add(await ResyncAsync(simulator, ours, force: true));
            await ChangeAsync(simulator, i * 2 + 1);
            incremental.Add(await ResyncAsync(simulator, ours, force: false));
            Console.WriteLine($"run {i}: full {Format.Seconds(full[^1].Seconds)} {full[^1].EntityBytes} B, incremental {Format.Seconds(incremental[^1].Seconds)} {incremental[^1].EntityBytes} B");
        }

        var data = await simulator.CompareAsync(ours.Database.ConnectionString, [OneAccount.TwoEzi]);
        // The preset's insight rows of entities paused since are kept by any read; the entity levels must be exact.
        var entityProblems = data.Problems.Count(p => !p.Contains("insight rows", StringComparison.Ordinal));
        report.Line($"2EZi re-synced after a few changes each time (an ad renamed, a campaign paused or resumed, an ad created), simulator latency " +
            $"{latencyMs} ms per call; {runs} full (forced) and {runs} incremental (unforced) re-syncs, alternating, after a warm-up. " +
            "Sync:EntityMaxAge 0 (nothing replayed), Sync:InsightMaxAge 0 (insights read by both alike). Bytes: the bodies of the simulator's answers.");
        report.Line();
        report.Table("resyncs",
            [
                ("Re-sync", "resync"), ("Median", "median"), ("Graph calls", "graphCallsMedian"), ("Entity calls", "entityCallsMedian"),
                ("Entity bytes", "entityBytesMedian"), ("All bytes", "bytesMedian"), ("Not completed", "notCompleted"),
            ],
            new[] { ("full", full), ("incremental", incremental) }.Select(r => (IReadOnlyList<Cell>)
            [
                r.Item1, Cell.Seconds(Median(r.Item2, x => x.Seconds)), Cell.Count(Median(r.Item2, x => x.Calls)),
                Cell.Count(Median(r.Item2, x => x.EntityCalls)), Cell.Count(Median(r.Item2, x => x.EntityBytes)),
                Cell.Count(Median(r.Item2, x => x.Bytes)), Cell.Count(r.Item2.Count(x => x.Status != "Completed")),
            ]));
        report.Line($"The incremental re-sync reads {Format.Ratio(Median(full, x => x.EntityBytes) / Median(incremental, x => x.EntityBytes))} fewer entity bytes " +
            $"in {Format.Number(Median(incremental, x => x.EntityCalls))} entity calls instead of {Format.Number(Median(full, x => x.EntityCalls))}; " +
            $"the stored entities after the last one: {(entityProblems == 0 ? "exactly the truth's" : $"{entityProblems} mismatch(es): {data.Verdict}")}.");
        report.Value("entityMismatches", entityProblems);
    }

    static double Median(List<Resync> runs, Func<Resync, double> figure) => Spread.Of(runs.Select(figure)).Median;

    /// <summary>One more round of changes: a campaign paused (or resumed, when it is paused), an ad renamed, an ad created.</summary>
    static async Task ChangeAsync(SimulatorProcess simulator, int round)
    {
        var truth = await simulator.GetTruthAsync(OneAccount.TwoEzi);
        var campaign = truth.Campaigns.Ids[round % truth.Campaigns.Ids.Count];
        var paused = truth.Campaigns.Entities[campaign].Status == "PAUSED";
        await simulator.ChangeAsync(campaign, new ObjectChange(Status: paused ? "ACTIVE" : "PAUSED"));
        await simulator.ChangeAsync(truth.Ads.Ids[round * 7 % truth.Ads.Ids.Count], new ObjectChange(Name: $"Renamed in round {round}"));
        await simulator.CreateAdAsync(truth.AdSets.Ids[round % truth.AdSets.Ids.Count], new NewObject(Name: $"Created in round {round}"));
    }

    static async Task<Resync> ResyncAsync(SimulatorProcess simulator, OurSystem ours, bool force)
    {
        await simulator.ResetAsync();
        var requested = DateTimeOffset.UtcNow;
        var run = await ours.WaitAsync(await ours.RequestAsync(OneAccount.TwoEzi, force), TimeSpan.FromMinutes(2));
        var stats = await simulator.GetStatsAsync();
        return new Resync((run.FinishedAt - requested).TotalSeconds, stats.Calls, EntityEdges.Sum(e => stats.CallsByEndpoint.GetValueOrDefault(e)),
            stats.ResponseBytes, EntityEdges.Sum(e => stats.BytesByEndpoint?.GetValueOrDefault(e) ?? 0), run.Status);
    }
}
