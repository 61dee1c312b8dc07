using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_meta_throttles_the_app(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_hold_every_account_off()
    {
        await using var gates = new GateFactory(database);
        await gates.Create().ReportAsync(new RateScope(null, MetaUseCase.AdsManagement), GraphUsage.None, TimeSpan.FromMinutes(30), default);

        await Assert.ThrowsAsync<RateGateBlockedException>(() => gates.Create().AcquireAsync(new RateScope("act_any", MetaUseCase.AdsInsights), default).AsTask());
    }
}
