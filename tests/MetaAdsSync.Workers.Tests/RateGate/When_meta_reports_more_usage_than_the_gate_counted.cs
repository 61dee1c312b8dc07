using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_meta_reports_more_usage_than_the_gate_counted(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_count_the_difference_into_the_window_and_never_let_the_window_hold_more_than_the_budget()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_shared_with_others", MetaUseCase.AdsManagement);
        // 10 calls an hour with a burst of 5: the window, not the bucket, refuses the third call below.
        var gate = gates.Create(o =>
        {
            o.CallBudget = 10;
            o.BurstShare = 0.5;
            o.BudgetWindow = TimeSpan.FromHours(1);
            o.AcquireTimeout = TimeSpan.FromSeconds(1);
        });
        await (await gate.AcquireAsync(scope, default)).DisposeAsync();

        // Meta counts 8 of the 10 (another client made 7): two calls are left, not nine.
        await gate.ReportAsync(scope, new GraphUsage(AccountUtilPercent: 80), null, default);
        await (await gate.AcquireAsync(scope with { UseCase = MetaUseCase.AdsInsights }, default)).DisposeAsync();
        await (await gate.AcquireAsync(scope, default)).DisposeAsync();

        await Assert.ThrowsAsync<RateGateBusyException>(() => gate.AcquireAsync(scope, default).AsTask());
        Assert.Equal(2, await database.CountAsync("SELECT floor(tokens)::int FROM rate_gate WHERE key = 'act_shared_with_others'"));
    }
}
