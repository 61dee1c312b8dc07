using System.Diagnostics;
using Xunit.Abstractions;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>
/// Scenario 5: all twelve seed accounts synced while the simulator answers 10 % of calls with transient errors,
/// refuses 10 % of list calls as too much data whatever their size, answers 5 % only after the client's timeout,
/// and throttles one account with a 20 s block as the others sync.
/// </summary>
public sealed class When_the_graph_api_misbehaves_in_every_way_at_once(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_complete_every_run_with_exact_data_and_call_no_more_inside_the_block()
    {
        await using var system = await Suite.StartSystemAsync(s =>
            {
                s.LatencyMs = 50;
                s.TransientErrorRate = 0.10;
                s.PayloadRejectionRate = 0.10;
                s.SlowResponseRate = 0.05;
                s.SlowResponseMs = 8_000;
            },
            entityFetchers: 2, insightFetchers: 2,
            settings: new Dictionary<string, string> { ["Meta__AttemptTimeout"] = "00:00:03" });
        var accounts = system.Simulator.AccountIds;
        var clock = Stopwatch.StartNew();

        // 2EZi is blocked as the other accounts' runs are under way and just before its own is asked for, so its first
        // calls meet the block whatever the machine's pace.
        var runs = new Dictionary<string, Guid>();
        foreach (var account in accounts.Where(a => a != Suite.TwoEzi))
        {
            runs[account] = Suite.SyncId(await system.RequestSync(account));
        }

        system.Simulator.BlockAccount(Suite.TwoEzi, TimeSpan.FromSeconds(20));
        runs[Suite.TwoEzi] = Suite.SyncId(await system.RequestSync(Suite.TwoEzi));

        foreach (var (account, runId) in runs)
        {
            await RunChecks.AssertCompletedExactlyAsync(system, account, runId);
            await RunChecks.AssertOneRowPerRunAsync(system, account, [runId]);
        }

        var stats = system.Simulator.GetStats();
        var blocked = stats.Accounts[Suite.TwoEzi];
        output.WriteLine($"all {accounts.Count} runs completed in {clock.Elapsed.TotalSeconds:F0} s; {stats.Calls} calls, {stats.TransientErrors} transient, " +
            $"{stats.PayloadRejections} payload rejections, {stats.SlowResponses} slow; 2EZi: {blocked.ThrottledResponses} throttled, " +
            $"{blocked.CallsWhileBlocked} while blocked, max {blocked.MaxInFlight} in flight");
        Assert.True(stats.TransientErrors > 0 && stats.PayloadRejections > 0 && stats.SlowResponses > 0, "the faults did not all happen");
        // The block is injected, so Meta's refusal of the first calls is how the workers learn of it: the calls already
        // on their way meet it too. Once a refusal has gone out and SyncSystem.ThrottleNoticeMs has passed, no call may arrive.
        Assert.True(blocked.ThrottledResponses > 0, "the block was never met");
        Assert.Equal(0, blocked.CallsWhileBlocked);
    }
}
