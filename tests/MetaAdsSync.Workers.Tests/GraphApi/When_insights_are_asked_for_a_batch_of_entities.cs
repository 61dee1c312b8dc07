using System.Text.Json;
using MetaAdsSync.Contracts;
using Microsoft.AspNetCore.WebUtilities;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_insights_are_asked_for_a_level
{
    static object Row(string adId, string impressions = "361324", string spend = "5339.5") => new
    {
        campaign_id = "c1", adset_id = "s1", ad_id = adId,
        impressions, reach = "120000", clicks = "4521", spend, ctr = "1.251234", cpc = "1.181", cpm = "14.777", frequency = "3.011",
        actions = new[] { new { action_type = "link_click", value = "4000" } },
        date_start = "2026-11-22", date_stop = "2026-11-28",
    };

    static List<(string Field, string Operator, string[] Value)> Filters(HttpRequestMessage request) =>
        JsonDocument.Parse(QueryHelpers.ParseQuery(request.RequestUri!.Query)["filtering"].ToString()).RootElement.EnumerateArray()
            .Select(f => (f.GetProperty("field").GetString()!, f.GetProperty("operator").GetString()!,
                f.GetProperty("value").EnumerateArray().Select(v => v.GetString()!).ToArray()))
            .ToList();

    [Fact]
    public async Task Should_make_one_account_level_call_filtered_on_the_allow_list_and_parse_the_metric_strings()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_1/insights", [Row("a1"), Row("a2")]);

        var result = await h.Client.GetInsightsAsync("act_1", EntityLevel.Ad, Partition.WholeLevel, "last_7d", default);

        var request = Assert.Single(h.Graph.Requests);
        var query = QueryHelpers.ParseQuery(request.RequestUri!.Query);
        Assert.Equal(("ad", "last_7d"), (query["level"].ToString(), query["date_preset"].ToString()));
        var filter = Assert.Single(Filters(request));
        Assert.Equal(("ad.effective_status", "IN"), (filter.Field, filter.Operator));
        Assert.Equal(["ACTIVE", "WITH_ISSUES"], filter.Value);

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

        var result = await h.Client.GetInsightsAsync("act_1", EntityLevel.Ad, Partition.WholeLevel, "last_7d", default);

        var row = Assert.Single(result.Rows);
        Assert.Null(row.Impressions);
        Assert.Null(row.Spend);
        Assert.Equal(120000L, row.Reach);
        Assert.Equal(2, result.Warnings.Count);
    }

    [Theory]
    [InlineData(PartitionKind.Campaigns, "IN")]
    [InlineData(PartitionKind.OtherCampaigns, "NOT_IN")]
    public async Task Should_add_the_partition_of_campaigns_to_the_filter(PartitionKind kind, string op)
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_1/insights", []);

        await h.Client.GetInsightsAsync("act_1", EntityLevel.AdSet, new Partition(kind, ["c1", "c2"]), "last_7d", default);

        Assert.Equal(["adset.effective_status IN ACTIVE,WITH_ISSUES", $"campaign.id {op} c1,c2"],
            Filters(Assert.Single(h.Graph.Requests)).Select(f => $"{f.Field} {f.Operator} {string.Join(",", f.Value)}"));
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
