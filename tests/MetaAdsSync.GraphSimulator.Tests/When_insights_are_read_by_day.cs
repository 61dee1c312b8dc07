using System.Globalization;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_insights_are_read_by_day : SimulatorTest
{
    /// <summary>14:00 UTC on the 29th is already 01:00 on the 30th in Sydney, the big account's time zone.</summary>
    static readonly DateOnly SydneyToday = new(2026, 11, 30);

    protected override void Configure(SimulatorOptions options)
    {
        options.CallBudget = 100_000;
        options.Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 14, 0, 0, TimeSpan.Zero));
    }

    static string Range(DateOnly since, DateOnly until) =>
        Uri.EscapeDataString($"{{\"since\":\"{since:yyyy-MM-dd}\",\"until\":\"{until:yyyy-MM-dd}\"}}");

    static string S(JsonElement row, string field) => row.GetProperty(field).GetString()!;

    static decimal N(JsonElement row, string field) => decimal.Parse(S(row, field), CultureInfo.InvariantCulture);

    async Task<List<JsonElement>> DailyAsync(string level, DateOnly since, DateOnly until, string extra = "") =>
        (await Simulator.ReadAllAsync($"{Sim.BigAccount}/insights?level={level}&time_increment=1&time_range={Range(since, until)}" +
            $"&fields={level}_id,impressions,clicks,spend,reach&limit=500{extra}")).Rows;

    [Fact]
    public async Task Should_answer_a_row_per_entity_and_day_with_delivery_dated_that_day_in_the_accounts_time_zone()
    {
        var (since, until) = (SydneyToday.AddDays(-6), SydneyToday);

        var rows = await DailyAsync("ad", since, until);

        Assert.All(rows, r => Assert.Equal(S(r, "date_start"), S(r, "date_stop")));
        var days = rows.Select(r => S(r, "date_start")).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(0, 7).Select(i => since.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), days);
        var eligible = Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.InsightEligible;
        Assert.Equal(eligible.Order(), rows.Where(r => S(r, "date_start") == "2026-11-30").Select(r => S(r, "ad_id")).Order());
        Assert.Equal(rows.Count, rows.Select(r => (S(r, "ad_id"), S(r, "date_start"))).Distinct().Count());
    }

    [Theory]
    [InlineData("ad", "last_7d")]
    [InlineData("campaign", "last_30d")]
    [InlineData("adset", "this_month")]
    public async Task Should_add_a_presets_days_up_to_its_impressions_clicks_and_spend(string level, string preset)
    {
        var totals = (await Simulator.ReadAllAsync($"{Sim.BigAccount}/insights?level={level}&date_preset={preset}&fields={level}_id,impressions,clicks,spend&limit=500")).Rows;
        var days = (await Simulator.ReadAllAsync($"{Sim.BigAccount}/insights?level={level}&date_preset={preset}&time_increment=1&fields={level}_id,impressions,clicks,spend&limit=1000")).Rows
            .GroupBy(r => S(r, $"{level}_id")).ToDictionary(g => g.Key, g => g.ToList());

        Assert.Equal(totals.Select(t => S(t, $"{level}_id")).Order(), days.Keys.Order());
        Assert.All(totals, total =>
        {
            var mine = days[S(total, $"{level}_id")];
            foreach (var metric in new[] { "impressions", "clicks", "spend" })
            {
                Assert.Equal(N(total, metric), mine.Sum(d => N(d, metric)));
            }
        });
    }

    [Fact]
    public async Task Should_page_daily_rows_filtered_by_campaign_as_the_truth_has_them()
    {
        var campaign = Simulator.Running.GetTruth(Sim.BigAccount)!.Campaigns.InsightEligible[0];
        var (since, until) = (SydneyToday.AddDays(-27), SydneyToday);

        var answer = await Simulator.ReadAllAsync($"{Sim.BigAccount}/insights?level=ad&time_increment=1&time_range={Range(since, until)}" +
            $"&fields=ad_id,campaign_id,impressions,spend&limit=20&filtering={Sim.Filter(("campaign.id", "IN", new[] { campaign }))}");

        var ads = Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.Entities.Values.Where(a => a.CampaignId == campaign).Select(a => a.Id).ToHashSet();
        var truth = Simulator.Running.GetDailyTruth(Sim.BigAccount, since, until)!.Rows.Where(r => r.Level == "ad" && ads.Contains(r.EntityId)).ToList();
        Assert.True(answer.Pages > 1, "the rows should take more than one page");
        Assert.Equal(truth.Select(r => (r.EntityId, r.Date, r.Impressions, r.Spend)).Order(),
            answer.Rows.Select(r => (S(r, "ad_id"), S(r, "date_start"), long.Parse(S(r, "impressions"), CultureInfo.InvariantCulture), N(r, "spend"))).Order());
    }

    [Fact]
    public async Task Should_let_time_range_override_date_preset_and_split_by_other_increments()
    {
        var (since, until) = (new DateOnly(2026, 10, 20), new DateOnly(2026, 11, 10));

        var weekly = await Simulator.GetAsync($"{Sim.BigAccount}/insights?level=account&date_preset=today&time_increment=7&time_range={Range(since, until)}&fields=impressions");
        var monthly = await Simulator.GetAsync($"{Sim.BigAccount}/insights?level=account&time_increment=monthly&time_range={Range(since, until)}&fields=impressions");

        Assert.Equal(["2026-10-20..2026-10-26", "2026-10-27..2026-11-02", "2026-11-03..2026-11-09", "2026-11-10..2026-11-10"],
            weekly.Data.Select(r => $"{S(r, "date_start")}..{S(r, "date_stop")}"));
        Assert.Equal(["2026-10-20..2026-10-31", "2026-11-01..2026-11-10"], monthly.Data.Select(r => $"{S(r, "date_start")}..{S(r, "date_stop")}"));
    }

    [Theory]
    [InlineData("time_range={\"since\":\"2026-11-10\"}", 100)]
    [InlineData("time_range={\"since\":\"2026-11-10\",\"until\":\"2026-11-01\"}", 100)]
    [InlineData("time_range=not-json", 100)]
    [InlineData("time_range={\"since\":\"2020-01-01\",\"until\":\"2020-01-31\"}", 3018)]
    [InlineData("date_preset=last_7d&time_increment=91", 100)]
    [InlineData("date_preset=last_7d&time_increment=weekly", 100)]
    public async Task Should_refuse_a_period_Meta_refuses(string query, int code)
    {
        var escaped = string.Join('&', query.Split('&').Select(p => p.Split('=', 2) is var kv ? kv[0] + "=" + Uri.EscapeDataString(kv[1]) : p));

        var answer = await Simulator.GetAsync($"{Sim.BigAccount}/insights?level=ad&{escaped}");

        Assert.Equal(code, answer.Code);
    }
}
