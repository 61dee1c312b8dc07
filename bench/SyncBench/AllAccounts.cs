using System.Diagnostics;
using MetaAdsSync.GraphSimulator;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Scenario <c>all-accounts</c>: the twelve seed accounts requested at once (forced), 500 ms per call; the seed's way is
/// twelve of its per-account syncs at once (each refreshing the accounts list, as its endpoint does).
/// </summary>
static class AllAccounts
{
    public static async Task RunAsync(Report report, int latencyMs, int runs)
    {
        await using var simulator = await SimulatorProcess.StartAsync(new SimulatorOptions { LatencyMs = latencyMs, CallBudget = 1_000_000 });
        await using var ours = await OurSystem.StartAsync(simulator, fetchersEach: 2);
        await using var seed = await SeedBaseline.CreateAsync(simulator);
        var accounts = simulator.AccountIds;

        Console.WriteLine("warm-up");
        await ours.SyncAllAsync(accounts, TimeSpan.FromMinutes(3));
        await Task.WhenAll(accounts.Select(a => seed.SyncAsync(a)));

        var gateBefore = await ours.GateWaitAsync();
        var seedRuns = new List<Measured>();
        var ourRuns = new List<Measured>();
        var lastRuns = (IReadOnlyList<FinishedRun>)[];
        var lastStart = DateTimeOffset.MinValue;
        for (var i = 1; i <= runs; i++)
        {
            await simulator.ResetAsync();
            var clock = Stopwatch.StartNew();
            var baseline = await Task.WhenAll(accounts.Select(a => seed.SyncAsync(a)));
            seedRuns.Add(new Measured(clock.Elapsed.TotalSeconds, await simulator.GetStatsAsync(), baseline.FirstOrDefault(r => r.Error is not null)?.Error));

            await simulator.ResetAsync();
            lastStart = DateTimeOffset.UtcNow;
            var (elapsed, finished) = await ours.SyncAllAsync(accounts, TimeSpan.FromMinutes(3));
            lastRuns = finished;
            ourRuns.Add(new Measured(elapsed.TotalSeconds, await simulator.GetStatsAsync(), finished.FirstOrDefault(r => r.Status != "Completed")?.Status));
            Console.WriteLine($"run {i}: seed {Format.Seconds(seedRuns[^1].Seconds)}, ours {Format.Seconds(ourRuns[^1].Seconds)}");
        }

        var seedData = await simulator.CompareAsync(seed.Database.ConnectionString, accounts);
        var ourData = await simulator.CompareAsync(ours.Database.ConnectionString, accounts);
        report.Line($"All {accounts.Count} seed accounts requested at once (forced), simulator latency {latencyMs} ms per call; " +
            $"{runs} runs of each after a warm-up, alternating. Time: first request to the last run's end.");
        report.Line();
        var (ourTime, ourCalls) = Measured.SideBySide(report, seedRuns, seedData, ourRuns, ourData, " (the seed before its fixes: 110 s and 1,869 calls)");
        report.Line($"Ours at the rate gate: {(await ours.GateWaitAsync()).Since(gateBefore)}.");
        report.Line();
        report.Goal("≤ 1.5 s", ourTime.Median <= 1.5, "median " + Format.Seconds(ourTime.Median));
        report.Goal("≤ 70 Graph calls", ourCalls.Median <= 70, "median " + Format.Number(ourCalls.Median));
        report.Line();
        report.Line("Our last run per account (offsets from the first POST):");
        report.Line();
        var names = (await simulator.GetAccountsAsync()).ToDictionary(a => a.AccountId, a => a.Name);
        report.Table("lastRunPerAccount", [("Account", "account"), ("Saga started", "sagaStarted"), ("Finished", "finished"), ("Graph calls", "graphCalls")],
            lastRuns.OrderBy(r => r.FinishedAt).Select(r => (IReadOnlyList<Cell>)
            [
                names[r.AccountId], Cell.Seconds((r.StartedAt - lastStart).TotalSeconds), Cell.Seconds((r.FinishedAt - lastStart).TotalSeconds),
                Cell.Count(r.GraphCalls),
            ]));
    }
}
