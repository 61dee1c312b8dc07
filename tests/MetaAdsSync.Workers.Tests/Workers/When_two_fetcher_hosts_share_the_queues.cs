using MetaAdsSync.Contracts;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.GraphApi;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_two_fetcher_hosts_share_the_queues(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_both_take_work_as_competing_consumers()
    {
        var ids = Enumerable.Range(1, 40).Select(i => $"401-ad-{i}").ToArray();
        var (firstGraph, secondGraph) = (new FakeGraph(), new FakeGraph());
        firstGraph.Serve("act_401/insights", []);
        secondGraph.Serve("act_401/insights", []);
        var slow = new Dictionary<string, string?> { ["Sync:InsightFetchConcurrency"] = "1" };
        await using var first = await WorkerHost.StartAsync(rabbit, db, firstGraph, slow);
        await using var second = await WorkerHost.StartAsync(rabbit, db, secondGraph, slow);
        var run = Guid.NewGuid();

        foreach (var chunk in ids.Chunk(2))
        {
            await first.PublishAsync(new FetchInsightsBatch(run, "act_401", Guid.NewGuid(), EntityLevel.Ad, chunk, "last_7d", Force: true));
        }

        // The recorders compete for the answers too, so the two of them together hold all twenty.
        await WorkerHost.Recorder.WaitUntilAsync(() => first.Recorded.For(run).Count + second.Recorded.For(run).Count >= 20, TimeSpan.FromSeconds(90));

        Assert.Equal(20, firstGraph.Requests.Count + secondGraph.Requests.Count);
        Assert.NotEmpty(firstGraph.Requests);
        Assert.NotEmpty(secondGraph.Requests);
    }
}
