using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_many_workers_acquire_the_same_key_at_once(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_never_hold_more_permits_than_the_allowed_concurrency_and_give_every_one_back()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_many", MetaUseCase.AdsInsights);
        var workers = Enumerable.Range(0, 3).Select(_ => gates.Create(o => o.InitialConcurrency = 3)).ToList();
        var held = 0;
        var maxHeld = 0;
        var granted = 0;

        await Task.WhenAll(Enumerable.Range(0, 36).Select(async i =>
        {
            await using (await workers[i % 3].AcquireAsync(scope, default))
            {
                var now = Interlocked.Increment(ref held);
                InterlockedMax(ref maxHeld, now);
                Interlocked.Increment(ref granted);
                await Task.Delay(10);
                Interlocked.Decrement(ref held);
            }
        }));

        Assert.Equal(36, granted);
        Assert.InRange(maxHeld, 1, 3);
        var status = await gates.StatusAsync(scope);
        Assert.Equal(0, status.InFlight);
        Assert.Equal(36, status.WindowUsed);
        Assert.Equal(0, await database.CountAsync("SELECT jsonb_array_length(leases) FROM rate_gate WHERE key = 'act_many/ads_insights'"));
    }

    static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
