using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_meta_reports_usage(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    static GraphUsage Usage(double percent) => new(AccountUtilPercent: percent);

    [Fact]
    public async Task Should_grow_the_cap_while_usage_is_low_and_shrink_it_multiplicatively_as_usage_rises()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_adapt", MetaUseCase.AdsInsights);
        var gate = gates.Create(o => { o.InitialConcurrency = 4; o.MaxConcurrency = 10; });

        for (var i = 0; i < 60; i++)
        {
            await gate.ReportAsync(scope, Usage(10), null, default);
        }

        var grown = (await gates.StatusAsync(scope)).AllowedConcurrency;
        Assert.Equal(10, grown);

        for (var i = 0; i < 10; i++)
        {
            await gate.ReportAsync(scope, Usage(60), null, default);
        }

        Assert.Equal(10, (await gates.StatusAsync(scope)).AllowedConcurrency);

        for (var i = 0; i < 10; i++)
        {
            await gate.ReportAsync(scope, Usage(85), null, default);
        }

        var shrunk = (await gates.StatusAsync(scope)).AllowedConcurrency;
        Assert.InRange(shrunk, 3, 4);

        await gate.ReportAsync(scope, Usage(100), TimeSpan.FromMilliseconds(1), default);
        Assert.Equal(1, (await gates.StatusAsync(scope)).AllowedConcurrency);
    }

    [Fact]
    public async Task Should_start_no_call_above_the_stop_mark_until_the_usage_report_has_aged()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_hot", MetaUseCase.AdsManagement);
        var gate = gates.Create(o => { o.AcquireTimeout = TimeSpan.FromSeconds(1); o.HighUsagePause = TimeSpan.FromMinutes(10); });
        await gate.ReportAsync(scope, Usage(97), null, default);

        await Assert.ThrowsAsync<RateGateBusyException>(() => gate.AcquireAsync(scope, default).AsTask());

        var aged = gates.Create(o => o.HighUsagePause = TimeSpan.FromMilliseconds(100));
        await using (await aged.AcquireAsync(scope, default))
        {
            Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);
        }
    }
}
