using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_a_worker_dies_holding_permits(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_return_its_permits_when_their_lease_ends()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_crash", MetaUseCase.AdsManagement);
        var dying = gates.Create(o => { o.InitialConcurrency = 1; o.MinConcurrency = 1; o.LeaseTime = TimeSpan.FromSeconds(2); });
        var survivor = gates.Create(o => { o.InitialConcurrency = 1; o.MinConcurrency = 1; });

        // Never disposed: the holder is gone.
        _ = await dying.AcquireAsync(scope, default);
        Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);

        await using (await survivor.AcquireAsync(scope, default))
        {
            Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);
        }

        Assert.Equal(0, (await gates.StatusAsync(scope)).InFlight);
    }
}
