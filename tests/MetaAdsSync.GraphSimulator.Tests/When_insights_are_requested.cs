using System.Text.Json;
using MetaAdsSync.GraphSimulator.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_insights_are_requested : SimulatorTest
{
    const string Metrics = "impressions,reach,frequency,clicks,spend,ctr,cpc,cpm,actions";
    /// <summary>Noon UTC on a Sunday: 23:00 the same day in Sydney, where the big account keeps its dates.</summary>
    protected override void Configure(SimulatorOptions options)
    {
        options.CallBudget = 100_000;
        options.Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    }

    async Task<List<JsonElement>> RowsAsync(string account, string level, string preset, string extra = "") =>
        (await Simulator.ReadAllAsync($"{account}/insights?level={level}&date_preset={preset}&fields={level}_id,{Metrics}&limit=100{extra}")).Rows;

    [Fact]
    public async Task Should_have_a_row_for_every_insight_eligible_entity_for_a_short_preset()
    {
        var truth = Simulator.Running.GetTruth(Sim.BigAccount)!;

        var ads = await RowsAsync(Sim.BigAccount, "ad", "last_7d");
        var campaigns = await RowsAsync(Sim.BigAccount, "campaign", "yesterday");

        Assert.Equal(truth.Ads.InsightEligible.Order(), ads.Select(r => r.GetProperty("ad_id").GetString()).Order());
        Assert.Equal(truth.Campaigns.InsightEligible.Order(), campaigns.Select(r => r.GetProperty("campaign_id").GetString()).Order());
    }

    [Fact]
    public async Task Should_add_paused_entities_that_delivered_earlier_for_long_presets_only()
    {
        var truth = Simulator.Running.GetTruth(Sim.BigAccount)!;

        var ads = (await RowsAsync(Sim.BigAccount, "ad", "last_90d")).Select(r => r.GetProperty("ad_id").GetString()!).ToList();

        Assert.Superset(truth.Ads.InsightEligible.ToHashSet(), ads.ToHashSet());
        Assert.True(ads.Count > truth.Ads.InsightEligible.Count, "some paused ads should have delivered earlier");
        Assert.Equal(truth.Insights["last_90d"].Ads.Order(), ads.Order());
        Assert.Equal(truth.Ads.InsightEligible.Order(), truth.Insights["last_3d"].Ads.Order());
    }

    [Fact]
    public async Task Should_have_rows_for_the_parents_of_every_row_in_a_long_preset()
    {
        var rows = (await Simulator.ReadAllAsync($"{Sim.BigAccount}/insights?level=ad&date_preset=maximum&fields=campaign_id,adset_id,ad_id&limit=500")).Rows;
        var truth = Simulator.Running.GetTruth(Sim.BigAccount)!.Insights["maximum"];

        Assert.Subset(truth.AdSets.ToHashSet(), rows.Select(r => r.GetProperty("adset_id").GetString()!).ToHashSet());
        Assert.Subset(truth.Campaigns.ToHashSet(), rows.Select(r => r.GetProperty("campaign_id").GetString()!).ToHashSet());
    }

    [Fact]
    public async Task Should_send_every_metric_as_a_string_and_actions_as_a_list()
    {
        var rows = await RowsAsync(Sim.BigAccount, "ad", "last_30d");

        Assert.All(rows, row =>
        {
            foreach (var metric in new[] { "impressions", "reach", "frequency", "clicks", "spend", "ctr", "cpm" })
            {
                Assert.Equal(JsonValueKind.String, row.GetProperty(metric).ValueKind);
            }

            Assert.All(row.GetProperty("actions").EnumerateArray(), a => Assert.Equal(JsonValueKind.String, a.GetProperty("value").ValueKind));
            Assert.True(long.Parse(row.GetProperty("reach").GetString()!) <= long.Parse(row.GetProperty("impressions").GetString()!));
        });
    }

    [Theory]
    [InlineData("today", "2026-11-29", "2026-11-29")]
    [InlineData("yesterday", "2026-11-28", "2026-11-28")]
    [InlineData("last_7d", "2026-11-22", "2026-11-28")]
    [InlineData("last_30d", "2026-10-30", "2026-11-28")]
    [InlineData("this_month", "2026-11-01", "2026-11-29")]
    [InlineData("last_month", "2026-10-01", "2026-10-31")]
    [InlineData("last_week_mon_sun", "2026-11-16", "2026-11-22")]
    [InlineData("this_week_sun_today", "2026-11-29", "2026-11-29")]
    [InlineData("last_quarter", "2026-07-01", "2026-09-30")]
    public async Task Should_date_rows_as_the_preset_says(string preset, string start, string stop)
    {
        var rows = await RowsAsync(Sim.BigAccount, "campaign", preset);

        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal((start, stop), (r.GetProperty("date_start").GetString(), r.GetProperty("date_stop").GetString())));
        Assert.Equal((start, stop), (Simulator.Running.GetTruth(Sim.BigAccount)!.Insights[preset].DateStart, Simulator.Running.GetTruth(Sim.BigAccount)!.Insights[preset].DateStop));
    }

    [Fact]
    public async Task Should_filter_on_ids_with_IN_in_one_call()
    {
        var wanted = Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.InsightEligible.Take(20).ToList();
        var filter = Uri.EscapeDataString(JsonSerializer.Serialize(new[] { new { field = "ad.id", @operator = "IN", value = wanted } }));

        var answer = await Simulator.GetAsync($"{Sim.BigAccount}/insights?level=ad&date_preset=last_7d&fields=ad_id,spend&limit=50&filtering={filter}");

        Assert.Equal(wanted.Order(), answer.Data.Select(r => r.GetProperty("ad_id").GetString()).Order());
        Assert.Null(answer.Next);
    }

    [Fact]
    public async Task Should_filter_on_a_parents_id_and_on_effective_status()
    {
        var truth = Simulator.Running.GetTruth(Sim.BigAccount)!;
        var campaign = truth.Campaigns.InsightEligible[0];
        var byCampaign = Uri.EscapeDataString($"[{{\"field\":\"campaign.id\",\"operator\":\"IN\",\"value\":[\"{campaign}\"]}}]");
        var withIssues = Uri.EscapeDataString("[{\"field\":\"ad.effective_status\",\"operator\":\"IN\",\"value\":[\"WITH_ISSUES\"]}]");

        var underCampaign = await RowsAsync(Sim.BigAccount, "adset", "last_7d", $"&filtering={byCampaign}");
        var issues = await RowsAsync(Sim.BigAccount, "ad", "last_7d", $"&filtering={withIssues}");

        Assert.NotEmpty(underCampaign);
        Assert.Equal(truth.Ads.InsightEligible.Count(id => truth.Ads.EffectiveStatus[id] == "WITH_ISSUES"), issues.Count);
    }

    [Fact]
    public async Task Should_answer_one_entitys_insights_on_its_own_edge()
    {
        var ad = Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.InsightEligible[0];

        var answer = await Simulator.GetAsync($"{ad}/insights?date_preset=last_7d&fields=ad_id,impressions,spend");

        Assert.Equal(ad, Assert.Single(answer.Data).GetProperty("ad_id").GetString());
        Assert.NotNull(answer.Header("x-fb-ads-insights-throttle"));
    }

    static decimal Spend(JsonElement row) => decimal.Parse(row.GetProperty("spend").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Should_make_the_accounts_row_the_sum_of_its_campaigns_rows()
    {
        const string Query = "insights?date_preset=last_30d&limit=500&fields=account_id,campaign_id,spend,impressions";

        var account = Assert.Single((await Simulator.ReadAllAsync($"{Sim.BigAccount}/{Query}&level=account")).Rows);
        var campaigns = (await Simulator.ReadAllAsync($"{Sim.BigAccount}/{Query}&level=campaign")).Rows;

        Assert.Equal(Spend(account), campaigns.Sum(Spend));
    }

    [Fact]
    public async Task Should_add_up_each_day_across_levels_where_the_children_have_rows()
    {
        static Dictionary<string, List<JsonElement>> By(List<JsonElement> rows, string parent) => rows
            .GroupBy(r => r.GetProperty(parent).GetString() + "|" + r.GetProperty("date_start").GetString())
            .ToDictionary(g => g.Key, g => g.ToList());
        static string Key(JsonElement row, string id) => row.GetProperty(id).GetString() + "|" + row.GetProperty("date_start").GetString();
        const string Query = "insights?date_preset=last_30d&time_increment=1&limit=1000&fields=campaign_id,adset_id,ad_id,spend,impressions";

        var campaigns = (await Simulator.ReadAllAsync($"{Sim.BigAccount}/{Query}&level=campaign")).Rows;
        var adSets = (await Simulator.ReadAllAsync($"{Sim.BigAccount}/{Query}&level=adset")).Rows;
        var ads = By((await Simulator.ReadAllAsync($"{Sim.BigAccount}/{Query}&level=ad")).Rows, "adset_id");
        var adSetsByCampaign = By(adSets, "campaign_id");

        var withChildren = campaigns.Where(c => adSetsByCampaign.ContainsKey(Key(c, "campaign_id"))).ToList();
        Assert.NotEmpty(withChildren);
        Assert.All(withChildren, c => Assert.Equal(Spend(c), adSetsByCampaign[Key(c, "campaign_id")].Sum(Spend)));
        Assert.All(adSets.Where(s => ads.ContainsKey(Key(s, "adset_id"))), s => Assert.Equal(Spend(s), ads[Key(s, "adset_id")].Sum(Spend)));
    }

    [Fact]
    public async Task Should_give_the_same_metrics_from_the_same_seed()
    {
        await using var twin = await Sim.StartAsync(Configure);

        var mine = await Simulator.GetAsync($"{Sim.BigAccount}/insights?level=ad&date_preset=last_30d&fields=ad_id,{Metrics}&limit=20");
        var theirs = await twin.GetAsync($"{Sim.BigAccount}/insights?level=ad&date_preset=last_30d&fields=ad_id,{Metrics}&limit=20");

        Assert.Equal(mine.Body.GetProperty("data").GetRawText(), theirs.Body.GetProperty("data").GetRawText());
    }
}
