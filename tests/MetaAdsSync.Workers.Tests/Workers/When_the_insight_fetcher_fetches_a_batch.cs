using MetaAdsSync.Contracts;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.GraphApi;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_the_insight_fetcher_fetches_a_batch(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    static FakeGraph GraphWithDelivery(string account, params string[] adsWithDelivery)
    {
        var graph = new FakeGraph();
        graph.Serve($"{account}/insights", adsWithDelivery.Select(id => new
        {
            ad_id = id, adset_id = "s1", campaign_id = "c1",
            impressions = "1000", reach = "800", clicks = "25", spend = "12.5", ctr = "2.5", cpc = "0.5", cpm = "12.5", frequency = "1.25",
            actions = new[] { new { action_type = "link_click", value = "20" } },
            date_start = "2026-11-22", date_stop = "2026-11-28",
        }));
        return graph;
    }

    [Fact]
    public async Task Should_store_the_rows_with_one_graph_call_and_answer_with_rows_and_calls()
    {
        var graph = GraphWithDelivery("act_201", "201-a1", "201-a2");
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var (run, batch) = (Guid.NewGuid(), Guid.NewGuid());

        await host.PublishAsync(new FetchInsightsBatch(run, "act_201", batch, EntityLevel.Ad, ["201-a1", "201-a2", "201-a3"], "last_7d", Force: false));
        var answer = Assert.IsType<InsightsBatchFetched>(await host.BatchDoneAsync(run, batch));

        Assert.Equal((2, 1), (answer.Rows, answer.GraphCalls));
        Assert.Single(graph.Requests);
        Assert.Equal([("201-a1", 1000L, 12.5m), ("201-a2", 1000L, 12.5m)],
            await db.ReadAsync("SELECT entity_id, impressions, spend FROM insights WHERE account_id = 'act_201' ORDER BY entity_id", r => (r.GetString(0), r.GetInt64(1), r.GetDecimal(2))));
        Assert.Equal(3, await db.CountAsync("SELECT count(*) FROM insight_fetches WHERE account_id = 'act_201'"));
    }

    [Fact]
    public async Task Should_skip_ids_fetched_within_the_max_age_and_make_no_call_when_none_are_left()
    {
        var graph = GraphWithDelivery("act_202", "202-a1");
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var run = Guid.NewGuid();
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await host.PublishAsync(new FetchInsightsBatch(run, "act_202", first, EntityLevel.Ad, ["202-a1", "202-a2"], "last_7d", Force: false));
        await host.BatchDoneAsync(run, first);

        await host.PublishAsync(new FetchInsightsBatch(run, "act_202", second, EntityLevel.Ad, ["202-a1", "202-a2"], "last_7d", Force: false));
        var skipped = Assert.IsType<InsightsBatchFetched>(await host.BatchDoneAsync(run, second));
        await host.PublishAsync(new FetchInsightsBatch(run, "act_202", third, EntityLevel.Ad, ["202-a1", "202-a2"], "last_7d", Force: true));
        var forced = Assert.IsType<InsightsBatchFetched>(await host.BatchDoneAsync(run, third));

        Assert.Equal((0, 0), (skipped.Rows, skipped.GraphCalls));
        Assert.Equal((1, 1), (forced.Rows, forced.GraphCalls));
        Assert.Equal(2, graph.Requests.Count);
    }

    [Fact]
    public async Task Should_answer_failed_after_the_redeliveries_when_meta_keeps_failing()
    {
        var graph = GraphWithDelivery("act_204", "204-a1");
        for (var i = 0; i < 40; i++)
        {
            graph.ThenError(System.Net.HttpStatusCode.ServiceUnavailable, new { message = "Service temporarily unavailable", code = 2, is_transient = true });
        }

        await using var host = await WorkerHost.StartAsync(rabbit, db, graph, new() { ["Meta:MaxRetryAttempts"] = "2", ["Sync:ConsumerRetryLimit"] = "2" });
        var (run, batch) = (Guid.NewGuid(), Guid.NewGuid());

        await host.PublishAsync(new FetchInsightsBatch(run, "act_204", batch, EntityLevel.Ad, ["204-a1"], "last_7d", Force: false));
        var failed = Assert.IsType<InsightsBatchFailed>(await host.BatchDoneAsync(run, batch));

        Assert.Equal(9, graph.Requests.Count);
        Assert.Equal(3, failed.GraphCalls);
        Assert.Contains("Transient", failed.Error, StringComparison.Ordinal);
        Assert.Single(host.Recorded.For(run));
    }
}
