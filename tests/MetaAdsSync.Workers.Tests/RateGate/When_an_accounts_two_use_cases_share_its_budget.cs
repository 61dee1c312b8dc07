using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_an_accounts_two_use_cases_share_its_budget(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_hand_out_one_bucket_across_both_keys_and_every_worker_and_no_token_without_a_slot()
    {
        await using var gates = new GateFactory(database);
        // 100 calls an hour: a burst of 5, then one token every 39 s — none within this test.
        var workers = Enumerable.Range(0, 3).Select(_ => gates.Create(o =>
        {
            o.CallBudget = 100;
            o.BudgetWindow = TimeSpan.FromHours(1);
            o.InitialConcurrency = 2;
            o.MaxConcurrency = 2;
            o.AcquireTimeout = TimeSpan.FromSeconds(2);
        })).ToList();
        var permits = new System.Collections.Concurrent.ConcurrentBag<IAsyncDisposable>();
        var busy = 0;

        // Permits are held, so the two slots per key run out too: a caller turned away for want of a slot must not
        // have spent a token, or fewer than five would be granted.
        await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var scope = new RateScope("act_shared", i % 2 == 0 ? MetaUseCase.AdsInsights : MetaUseCase.AdsManagement);
            try
            {
                permits.Add(await workers[i % 3].AcquireAsync(scope, default));
            }
            catch (RateGateBusyException)
            {
                Interlocked.Increment(ref busy);
            }
        }));

        Assert.Equal(4, permits.Count);
        Assert.Equal(20, busy);
        Assert.Equal(1, await database.CountAsync("SELECT floor(tokens)::int FROM rate_gate WHERE key = 'act_shared'"));

        foreach (var permit in permits)
        {
            await permit.DisposeAsync();
        }

        await using (await workers[0].AcquireAsync(new RateScope("act_shared", MetaUseCase.AdsInsights), default))
        {
            await Assert.ThrowsAsync<RateGateBusyException>(() => workers[1].AcquireAsync(new RateScope("act_shared", MetaUseCase.AdsManagement), default).AsTask());
        }

        Assert.Equal(5, await database.CountAsync("SELECT window_used FROM rate_gate WHERE key = 'act_shared'"));
    }
}
