using MetaAdsSync.GraphSimulator;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Scenario <c>big-account</c>: one synthetic account of about 10,000 ads (in ~160 campaigns, so that a partition's
/// remainder filter names every known campaign within a URL) at 500 ms per call. Its first sync knows no shape: ad sets
/// whole, page after page, and ads by campaign, cut by count as its campaign read names them; the timed forced syncs
/// after it read the large levels as parallel partitions sized by the shape. The seed's algorithm is left out: one insights call per eligible entity would take many minutes here.
/// </summary>
static class BigAccount
{
    /// <summary>The simulator's first synthetic account.</summary>
    const string Account = "act_990000000000000";

    public static async Task RunAsync(Report report, int runs)
    {
        await using var simulator = await SimulatorProcess.StartAsync(new SimulatorOptions
        {
            LatencyMs = 500,
            CallBudget = 1_000_000,
            IncludeSeedAccounts = false,
            SyntheticAccounts = 1,
            SyntheticDistribution = SyntheticSizeDistribution.Uniform,
            // campaigns 1/80, ad sets 1/5, ads the rest: about 10,000 ads.
            SyntheticMeanEntities = 12_700,
            SyntheticEntitiesPerCampaign = 80,
        });
        await using var ours = await OurSystem.StartAsync(simulator, fetchersEach: 2);

        Console.WriteLine("first sync (no shape known)");
        var first = await TimedAsync(ours, simulator);
        var timed = new List<(double Seconds, FinishedRun Run, DateTimeOffset Requested, SimulatorStats Stats)>();
        for (var i = 1; i <= runs; i++)
        {
            timed.Add(await TimedAsync(ours, simulator));
            Console.WriteLine($"run {i}: {Format.Seconds(timed[^1].Seconds)}, {timed[^1].Stats.Calls} calls");
        }

        var data = await simulator.CompareAsync(ours.Database.ConnectionString, [Account]);
        var time = Spread.Of(timed.Select(t => t.Seconds));
        var calls = Spread.Of(timed.Select(t => (double)t.Stats.Calls));
        report.Line($"One synthetic account ({data.Entities} entities), forced syncs at 500 ms per call; {runs} timed runs after the first.");
        report.Line();
        report.Table("runs",
            [("Sync", "sync"), ("Median", "median"), ("Min", "min"), ("Max", "max"), ("Graph calls (median)", "graphCallsMedian"), ("Data vs truth", "dataVsTruth")],
            [
                ["first (no shape: ads by campaign as named)", Cell.Seconds(first.Seconds), Cell.Seconds(first.Seconds), Cell.Seconds(first.Seconds), Cell.Count(first.Stats.Calls), "—"],
                ["shape known (partitions)", Cell.Seconds(time.Median), Cell.Seconds(time.Min), Cell.Seconds(time.Max), Cell.Count(calls.Median), data.Verdict],
            ]);
        report.Line($"With its shape known the account syncs {Format.Ratio(first.Seconds / time.Median)} faster than its first read, which knew no shape.");
        report.Line();
        report.Goal("≤ 3 s with the shape known", time.Median <= 3 && data.Problems.Count == 0, "median " + Format.Seconds(time.Median) + ", data " + data.Verdict);
        report.Line();
        (await Timeline.ReadAsync(ours.Database, timed[^1].Run, timed[^1].Requested)).WriteTo(report);
    }

    static async Task<(double Seconds, FinishedRun Run, DateTimeOffset Requested, SimulatorStats Stats)> TimedAsync(OurSystem ours, SimulatorProcess simulator)
    {
        await simulator.ResetAsync();
        var requested = DateTimeOffset.UtcNow;
        var run = await ours.WaitAsync(await ours.RequestAsync(Account), TimeSpan.FromMinutes(5));
        if (run.Status != "Completed")
        {
            throw new InvalidOperationException($"the run of {Account} ended {run.Status}");
        }

        return ((run.FinishedAt - requested).TotalSeconds, run, requested, await simulator.GetStatsAsync());
    }
}
