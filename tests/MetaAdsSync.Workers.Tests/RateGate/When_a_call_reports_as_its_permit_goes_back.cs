using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_a_call_reports_as_its_permit_goes_back(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_record_the_usage_and_free_the_slot_once()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_report_release", MetaUseCase.AdsManagement);
        var gate = gates.Create(o => o.InitialConcurrency = 2);
        var first = await gate.AcquireAsync(scope, default);
        await using var second = await gate.AcquireAsync(scope, default);
        Assert.Equal(2, (await gates.StatusAsync(scope)).InFlight);

        await gate.ReportAndReleaseAsync(scope, new GraphUsage(AccountUtilPercent: 42), null, first, default);

        var status = await gates.StatusAsync(scope);
        Assert.Equal((1, 42.0), (status.InFlight, status.UsagePercent));

        // Disposed again on the caller's way out: the other permit's slot stays taken.
        await first.DisposeAsync();
        Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);
    }

    [Fact]
    public async Task Should_block_the_key_and_free_the_slot_when_the_call_was_throttled()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_report_release_throttled", MetaUseCase.AdsInsights);
        var gate = gates.Create();
        var permit = await gate.AcquireAsync(scope, default);

        await gate.ReportAndReleaseAsync(scope, new GraphUsage(AccountUtilPercent: 100), TimeSpan.FromMinutes(5), permit, default);

        var status = await gates.StatusAsync(scope);
        Assert.Equal(0, status.InFlight);
        Assert.NotNull(status.BlockedUntil);
        Assert.True(await gate.BlockedForAsync(scope, default) > TimeSpan.FromMinutes(4));
    }
}
