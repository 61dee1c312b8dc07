using System.Globalization;
using MetaAdsSync.GraphSimulator.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_past_days_are_restated : SimulatorTest
{
    /// <summary>Noon UTC: 23:00 in Sydney, where the big account keeps its dates, so "today" there is the 29th.</summary>
    static readonly DateOnly Today = new(2026, 11, 29);

    protected override void Configure(SimulatorOptions options)
    {
        options.CallBudget = 100_000;
        options.Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    }

    Dictionary<(string Level, string Id, string Date), DailyRow> Days() =>
        Simulator.Running.GetDailyTruth(Sim.BigAccount, Today.AddDays(-27), Today)!.Rows.ToDictionary(r => (r.Level, r.EntityId, r.Date));

    static bool Inside(string date, DateOnly since, DateOnly until) =>
        DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture) is var d && d >= since && d <= until;

    [Fact]
    public void Should_change_the_days_inside_the_window_and_never_those_outside_it()
    {
        var ad = Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.InsightEligible[0];
        var (since, until) = (Today.AddDays(-10), Today.AddDays(-3));
        var before = Days();

        var restated = Simulator.Running.Restate(ad, since, until, 1.5);

        var after = Days();
        Assert.Equal((1, 8), (restated.Objects, restated.Days));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var mine = before.Keys.Where(k => k is { Level: "ad" } && k.Id == ad).ToList();
        Assert.All(mine.Where(k => Inside(k.Date, since, until)), k => Assert.True(after[k].Impressions > before[k].Impressions));
        Assert.All(before.Keys.Where(k => !Inside(k.Date, since, until) || (k.Level == "ad" && k.Id != ad)), k => Assert.Equal(before[k], after[k]));
    }

    [Fact]
    public async Task Should_carry_a_restated_day_up_to_the_parents_and_into_the_presets()
    {
        var ad = Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.Entities[Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.InsightEligible[0]];
        var yesterday = Today.AddDays(-1);
        async Task<long> ImpressionsAsync(string id) => long.Parse(
            Assert.Single((await Simulator.GetAsync($"{id}/insights?date_preset=last_7d&fields=impressions")).Data).GetProperty("impressions").GetString()!,
            CultureInfo.InvariantCulture);
        var (adBefore, campaignBefore) = (await ImpressionsAsync(ad.Id), await ImpressionsAsync(ad.CampaignId));
        var day = Days()[("ad", ad.Id, yesterday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))];

        Simulator.Running.Restate(ad.Id, yesterday, yesterday, 2);

        var grown = Days()[("ad", ad.Id, yesterday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))].Impressions - day.Impressions;
        Assert.InRange(grown, day.Impressions - 1, day.Impressions + 1);
        Assert.Equal(adBefore + grown, await ImpressionsAsync(ad.Id));
        Assert.Equal(campaignBefore + grown, await ImpressionsAsync(ad.CampaignId));
    }

    [Fact]
    public void Should_restate_a_whole_account_and_refuse_days_after_today()
    {
        var restated = Simulator.Running.Restate(Sim.BigAccount, Today.AddDays(-2), Today, 0.9);

        Assert.Equal(Simulator.Running.GetTruth(Sim.BigAccount)!.Campaigns.Entities.Count
            + Simulator.Running.GetTruth(Sim.BigAccount)!.AdSets.Entities.Count
            + Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.Entities.Count, restated.Objects);
        Assert.Throws<ArgumentException>(() => Simulator.Running.Restate(Sim.BigAccount, Today, Today.AddDays(1), 1.1));
        Assert.Throws<ArgumentException>(() => Simulator.Running.Restate(Sim.BigAccount, Today, Today, 0));
    }
}
