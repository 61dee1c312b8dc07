using System.Text.Json;
using MetaAdsSync.Contracts;
using Microsoft.AspNetCore.WebUtilities;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_insights_are_asked_for_a_batch_of_entities
{
    static object Row(string adId, string impressions = "361324", string spend = "5339.5") => new
    {
        campaign_id = "c1", adset_id = "s1", ad_id = adId,
        impressions, reach = "120000", clicks = "4521", spend, ctr = "1.251234", cpc = "1.181", cpm = "14.777", frequency = "3.011",
        actions = new[] { new { action_type = "link_click", value = "4000" } },
        date_start = "2026-11-22", date_stop = "2026-11-28",
    };

    [Fact]
    public async Task Should_make_one_call_filtered_on_the_ids_and_parse_the_metric_strings()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_1/insights", [Row("a1"), Row("a2")]);

        var result = await h.Client.GetInsightsAsync("act_1", EntityLevel.Ad, ["a1", "a2", "a3"], "last_7d", default);

        var request = Assert.Single(h.Graph.Requests);
        var query = QueryHelpers.ParseQuery(request.RequestUri!.Query);
        Assert.Equal(("ad", "last_7d"), (query["level"].ToString(), query["date_preset"].ToString()));
        var filter = JsonDocument.Parse(query["filtering"].ToString()).RootElement[0];
        Assert.Equal(("ad.id", "IN"), (filter.GetProperty("field").GetString(), filter.GetProperty("operator").GetString()));
        Assert.Equal(["a1", "a2", "a3"], filter.GetProperty("value").EnumerateArray().Select(v => v.GetString()));

        Assert.Equal(1, result.GraphCalls);
        var a1 = result.Rows.Single(r => r.EntityId == "a1");
        Assert.Equal((361324L, 120000L, 4521L), (a1.Impressions, a1.Reach, a1.Clicks));
        Assert.Equal((5339.5m, 1.251234m, 1.181m, 14.777m, 3.011m), (a1.Spend, a1.Ctr, a1.Cpc, a1.Cpm, a1.Frequency));
        Assert.Equal((new DateOnly(2026, 11, 22), new DateOnly(2026, 11, 28)), (a1.DateStart, a1.DateStop));
        Assert.Contains("link_click", a1.ActionsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_store_an_unparsable_metric_as_null_with_a_warning()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_1/insights", [Row("a1", impressions: "lots", spend: "1,234.5")]);

        var result = await h.Client.GetInsightsAsync("act_1", EntityLevel.Ad, ["a1"], "last_7d", default);

        var row = Assert.Single(result.Rows);
        Assert.Null(row.Impressions);
        Assert.Null(row.Spend);
        Assert.Equal(120000L, row.Reach);
        Assert.Equal(2, result.Warnings.Count);
    }

    [Fact]
    public async Task Should_make_no_call_for_an_empty_batch()
    {
        using var h = new GraphClientHarness();

        var result = await h.Client.GetInsightsAsync("act_1", EntityLevel.Ad, [], "last_7d", default);

        Assert.Equal((0, 0), (result.GraphCalls, result.Rows.Count));
        Assert.Empty(h.Graph.Requests);
    }

    [Fact]
    public async Task Should_make_one_call_per_entity_the_seed_way()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("a1/insights", [Row("a1")]);
        h.Graph.Serve("a2/insights", [Row("a2")]);
        h.Graph.Serve("a3/insights", []);

        var result = await h.Client.GetInsightsPerEntityAsync("act_1", EntityLevel.Ad, ["a1", "a2", "a3"], "last_7d", default);

        Assert.Equal(3, result.GraphCalls);
        Assert.Equal(["a1", "a2"], result.Rows.Select(r => r.EntityId).Order());
    }
}
