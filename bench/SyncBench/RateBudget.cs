using MetaAdsSync.GraphSimulator;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Scenario <c>rate-budget</c> (the rate-gate issue's): a per-account budget small enough that demand exceeds it, forced
/// syncs of every seed account back to back for a while, three of each fetcher; the seed's algorithm the same way.
/// Reports throttles and how much of its budget each of the busiest accounts used.
/// </summary>
static class RateBudget
{
    const int Budget = 60;
    static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static async Task RunAsync(Report report, int latencyMs, TimeSpan duration)
    {
        await using var simulator = await SimulatorProcess.StartAsync(new SimulatorOptions
        {
            LatencyMs = latencyMs,
            CallBudget = Budget,
            BudgetWindowSeconds = (int)Window.TotalSeconds,
        });
        var accounts = await simulator.GetAccountsAsync();
        var busiest = accounts.OrderByDescending(a => a.Campaigns + a.AdSets + a.Ads).Take(3).ToList();
        var rows = new List<IReadOnlyList<Cell>>();
        var ourUse = new List<double>();
        long ourThrottles = 0;

        foreach (var system in new[] { "seed baseline", "ours" })
        {
            Func<string, Task<bool>> sync;
            IAsyncDisposable owner;
            if (system == "ours")
            {
                var ours = await OurSystem.StartAsync(simulator, fetchersEach: 3, new Dictionary<string, string>
                {
                    ["RateGate__CallBudget"] = $"{Budget}",
                    ["RateGate__BudgetWindow"] = Window.ToString(),
                });
                owner = ours;
                sync = async a => (await ours.WaitAsync(await ours.RequestAsync(a), duration + TimeSpan.FromMinutes(10))).Status == "Completed";
            }
            else
            {
                var seed = await SeedBaseline.CreateAsync(simulator);
                owner = seed;
                sync = async a => (await seed.SyncAsync(a)).Error is null;
            }

            await using (owner)
            {
                await simulator.ResetAsync();
                Console.WriteLine($"{system}: syncing every account back to back for {duration.TotalSeconds:F0} s");
                var deadline = DateTimeOffset.UtcNow + duration;
                var atDeadline = Task.Run(async () =>
                {
                    await Task.Delay(duration);
                    return await simulator.GetStatsAsync();
                });
                var outcomes = await Task.WhenAll(accounts.Select(async a =>
                {
                    var (done, failed) = (0, 0);
                    while (DateTimeOffset.UtcNow < deadline)
                    {
                        if (await sync(a.AccountId))
                        {
                            done++;
                        }
                        else
                        {
                            // A user presses again a second later; not a tight loop against a blocked account.
                            failed++;
                            await Task.Delay(TimeSpan.FromSeconds(1));
                        }
                    }

                    return (done, failed);
                }));
                var stats = await atDeadline;
                var use = busiest.Select(a => Use(stats, a.AccountId, duration)).ToList();
                if (system == "ours")
                {
                    ourUse = use;
                    ourThrottles = stats.ThrottledResponses;
                }

                rows.Add(
                [
                    system, Cell.Count(outcomes.Sum(o => o.done)), Cell.Count(outcomes.Sum(o => o.failed)), Cell.Count(stats.Calls),
                    Cell.Count(stats.ThrottledResponses), Cell.Count(stats.CallsWhileBlocked),
                    Cell.Figures(busiest.Select((a, i) => KeyValuePair.Create(a.Name, Math.Round(use[i], 3))).ToDictionary(), "P0"),
                ]);
            }
        }

        report.Line($"Per-account budget {Budget} calls per {Window.TotalMinutes:F0} min in the simulator (and in `RateGate:*` for ours), latency {latencyMs} ms, " +
            $"all {accounts.Count} accounts synced back to back (forced) for {duration.TotalSeconds:F0} s; ours with three EntityFetchers and three " +
            "InsightFetchers. Counts are taken at the end of the period; runs still going then finish afterwards.");
        report.Line();
        report.Table("systems",
            [
                ("System", "system"), ("Syncs completed", "syncsCompleted"), ("Syncs failed", "syncsFailed"), ("Graph calls", "graphCalls"),
                ("Throttled", "throttled"), ("Calls while blocked", "callsWhileBlocked"), ("Budget used (busiest accounts)", "budgetUsedByBusiestAccounts"),
            ],
            rows);
        report.Goal("0 throttled responses (ours)", ourThrottles == 0, Format.Number(ourThrottles));
        report.Goal("≥ 90 % of the budget used by the busiest accounts (ours)", ourUse.All(u => u >= 0.9),
            string.Join(", ", ourUse.Select(u => $"{u:P0}")));
    }

    static double Use(SimulatorStats stats, string accountId, TimeSpan duration) =>
        stats.Accounts.TryGetValue(accountId, out var account) ? account.Calls / (Budget * duration / Window) : 0;
}
