using MetaAdsSync.GraphApi;
using MetaAdsSync.RateGate;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_callers_of_one_process_wait_for_a_released_permit(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    const int Waiters = 3;

    [Fact]
    public async Task Should_wake_one_caller_per_release_so_that_no_other_asks_in_vain()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_one_per_release", MetaUseCase.AdsManagement);
        static void OneSlot(RateGateOptions o)
        {
            o.InitialConcurrency = 1;
            o.MaxConcurrency = 1;
            o.PollInterval = TimeSpan.FromMinutes(1);
            o.AcquireTimeout = TimeSpan.FromMinutes(10);
        }

        var holder = gates.Create(OneSlot);
        // The waiters' clock stands still, so they never poll: each turn of a waiter is a refused acquire, then a wait
        // for a release, and says so once in the log.
        var log = new TurnLog();
        var waiting = gates.Create(OneSlot, time: new FakeTimeProvider(), logger: log);
        var permit = await holder.AcquireAsync(scope, default);

        var callers = new List<Task<IAsyncDisposable>>();
        for (var i = 1; i <= Waiters; i++)
        {
            callers.Add(waiting.AcquireAsync(scope, default).AsTask());
            await log.WaitForTurnsAsync(i);
        }

        // Each release lets one caller in; that one then releases in turn, until every caller has had the slot.
        await permit.DisposeAsync();
        var served = 0;
        while (callers.Count > 0)
        {
            // A bound on a hang, not a timing.
            var next = await Task.WhenAny(callers).WaitAsync(TimeSpan.FromMinutes(1));
            callers.Remove(next);
            Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);
            await (await next).DisposeAsync();
            served++;
        }

        // Woken all at once, the callers left out would each have asked again and waited again: 3 + 2 + 1 turns.
        Assert.Equal(Waiters, served);
        Assert.Equal(Waiters, log.Turns);
    }
}
