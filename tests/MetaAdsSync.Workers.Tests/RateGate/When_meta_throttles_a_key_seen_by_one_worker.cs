using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_meta_throttles_a_key_seen_by_one_worker(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_hold_every_other_worker_off_that_key_until_the_block_ends()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_blocked", MetaUseCase.AdsManagement);
        var first = gates.Create(o => o.BlockJitter = TimeSpan.Zero);
        var second = gates.Create();

        await first.ReportAsync(scope, GraphUsage.None, TimeSpan.FromSeconds(2), default);
        var blockedUntil = (await gates.StatusAsync(scope)).BlockedUntil;
        Assert.NotNull(blockedUntil);

        Assert.NotNull((await gates.StatusAsync(scope with { UseCase = MetaUseCase.AdsInsights })).BlockedUntil);
        await using (await second.AcquireAsync(new RateScope("act_free", MetaUseCase.AdsManagement), default))
        {
            Assert.NotNull((await gates.StatusAsync(scope)).BlockedUntil);
        }

        await using (await second.AcquireAsync(scope, default))
        {
            Assert.Equal(1, await database.CountAsync("SELECT count(*) FROM rate_gate WHERE key = 'act_blocked/ads_management' AND blocked_until <= now()"));
        }
    }

    [Fact]
    public async Task Should_refuse_at_once_in_every_worker_when_the_block_outlasts_the_longest_wait()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_long", MetaUseCase.AdsInsights);
        await gates.Create().ReportAsync(scope, GraphUsage.None, TimeSpan.FromMinutes(30), default);

        var error = await Assert.ThrowsAsync<RateGateBlockedException>(() => gates.Create(maxThrottleWait: TimeSpan.FromMinutes(5)).AcquireAsync(scope, default).AsTask());

        Assert.InRange(error.Error.RegainAccessIn!.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
    }
}
