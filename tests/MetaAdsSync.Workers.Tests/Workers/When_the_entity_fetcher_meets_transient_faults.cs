using MetaAdsSync.Contracts;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.GraphApi;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_the_entity_fetcher_meets_transient_faults(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_still_store_and_announce_every_entity_when_a_fifth_of_the_calls_fail()
    {
        var graph = new FakeGraph { TransientFaultRate = 0.2 };
        graph.Serve("act_301/adsets", Enumerable.Range(1, 1000).Select(i => new { id = $"301-set-{i:D4}", effective_status = i % 2 == 0 ? "ACTIVE" : "PAUSED" }));
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph, new() { ["Meta:AdSetPageSize"] = "50" });
        var run = Guid.NewGuid();

        await host.PublishAsync(new FetchEntities(run, "act_301", EntityLevel.AdSet, Force: false));
        var messages = await host.LevelDoneAsync(run, EntityLevel.AdSet);

        Assert.DoesNotContain(messages, m => m is EntityFetchFailed);
        var pages = messages.Cast<EntitiesFetched>().ToList();
        Assert.Equal(Enumerable.Range(1, 20), pages.Select(p => p.Page).Distinct().Order());
        Assert.Equal(500, pages.DistinctBy(p => p.Page).SelectMany(p => p.EligibleIds).Distinct().Count());
        Assert.Equal(1000, await db.CountAsync("SELECT count(*) FROM ad_sets WHERE account_id = 'act_301'"));
        Assert.Contains(graph.Requests, r => r.RequestUri!.Query.Contains("after=", StringComparison.Ordinal));
        Assert.True(pages.Sum(p => p.GraphCalls) > 20, "some calls were retried");
    }
}
