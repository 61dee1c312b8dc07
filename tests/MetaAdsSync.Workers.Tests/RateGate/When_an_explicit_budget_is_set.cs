using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_an_explicit_budget_is_set(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_hand_out_no_more_than_the_burst_and_the_refill_and_then_give_the_caller_back_busy()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_budget", MetaUseCase.AdsInsights);
        // 40 calls an hour: a burst of 2, then one token every 98 s — none within this test.
        var gate = gates.Create(o =>
        {
            o.CallBudget = 40;
            o.BudgetWindow = TimeSpan.FromHours(1);
            o.InitialConcurrency = 16;
            o.MaxConcurrency = 16;
            o.AcquireTimeout = TimeSpan.FromSeconds(1);
        });

        var granted = 0;
        while (granted < 40)
        {
            try
            {
                await (await gate.AcquireAsync(scope, default)).DisposeAsync();
                granted++;
            }
            catch (RateGateBusyException)
            {
                break;
            }
        }

        Assert.Equal(2, granted);
    }
}
