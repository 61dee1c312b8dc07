using MetaAdsSync.Contracts;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.GraphApi;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_the_insight_fetcher_reads_a_daily_window(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    static object Day(string campaign, string day, string impressions) => new
    {
        campaign_id = campaign, impressions, reach = "80", clicks = "4", spend = "1.5", ctr = "4", cpc = "0.375", cpm = "15", frequency = "1.25",
        actions = new[] { new { action_type = "link_click", value = "3" } }, date_start = day, date_stop = day,
    };

    [Fact]
    public async Task Should_ask_for_days_of_the_window_without_a_status_filter_and_store_only_the_windows_days()
    {
        var graph = new FakeGraph();
        graph.Serve("act_301/insights", [Day("301-c1", "2026-11-01", "100"), Day("301-c1", "2026-11-02", "200"), Day("301-c2", "2026-11-02", "50"), Day("301-c2", "2026-10-20", "7")]);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var (run, batch) = (Guid.NewGuid(), Guid.NewGuid());
        var window = new DailyWindow(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 2));

        await host.PublishAsync(new FetchInsightsBatch(run, "act_301", batch, EntityLevel.Campaign, "last_7d", Partition.WholeLevel, Daily: window));
        var answer = Assert.IsType<InsightsBatchFetched>(await host.BatchDoneAsync(run, batch));

        var query = Uri.UnescapeDataString(Assert.Single(graph.Requests).RequestUri!.Query);
        Assert.Contains("time_increment=1", query, StringComparison.Ordinal);
        Assert.Contains("""time_range={"since":"2026-11-01","until":"2026-11-02"}""", query, StringComparison.Ordinal);
        Assert.DoesNotContain("filtering", query, StringComparison.Ordinal);
        Assert.DoesNotContain("date_preset", query, StringComparison.Ordinal);
        Assert.Equal(3, answer.Rows);
        Assert.Equal([("301-c1", "2026-11-01", 100L), ("301-c1", "2026-11-02", 200L), ("301-c2", "2026-11-02", 50L)],
            await db.ReadAsync("SELECT entity_id, date::text, impressions FROM daily_insights WHERE account_id = 'act_301' ORDER BY entity_id, date",
                r => (r.GetString(0), r.GetString(1), r.GetInt64(2))));
        Assert.Empty(await db.ReadAsync("SELECT entity_id FROM insights WHERE account_id = 'act_301'", r => r.GetString(0)));
    }
}
