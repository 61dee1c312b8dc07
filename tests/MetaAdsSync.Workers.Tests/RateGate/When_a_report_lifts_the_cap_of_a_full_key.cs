using MetaAdsSync.GraphApi;
using MetaAdsSync.RateGate;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_a_report_lifts_the_cap_of_a_full_key(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_wake_a_waiting_caller_for_the_released_slot_and_for_the_added_one()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_cap_lifted", MetaUseCase.AdsManagement);
        // One slot, which a report of low usage lifts to two (+1/c per report).
        static void OneSlotThatGrows(RateGateOptions o)
        {
            o.InitialConcurrency = 1;
            o.MaxConcurrency = 4;
            o.PollInterval = TimeSpan.FromMinutes(1);
            o.AcquireTimeout = TimeSpan.FromMinutes(10);
        }

        var holder = gates.Create(OneSlotThatGrows);
        // The waiters' clock stands still, so they never poll: only notices can let them in.
        var log = new TurnLog();
        var waiting = gates.Create(OneSlotThatGrows, time: new FakeTimeProvider(), logger: log);
        var permit = await holder.AcquireAsync(scope, default);
        var first = waiting.AcquireAsync(scope, default).AsTask();
        await log.WaitForTurnsAsync(1);
        var second = waiting.AcquireAsync(scope, default).AsTask();
        await log.WaitForTurnsAsync(2);

        // The call's answer lifts the cap to 2 as its permit goes back: two slots are free, and both waiters are told.
        // (Judged after the lift, the release had looked like one from a key with room, and told no one.)
        await holder.ReportAndReleaseAsync(scope, new GraphUsage(AccountUtilPercent: 1), null, permit, default);

        // A bound on a hang, not a timing: polling alone, neither waiter would get in.
        var permits = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromMinutes(1));
        var status = await gates.StatusAsync(scope);
        Assert.Equal((2, 2), (status.AllowedConcurrency, status.InFlight));
        foreach (var p in permits)
        {
            await p.DisposeAsync();
        }
    }
}
