using System.Net;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.GraphSimulator.Tests;

/// <summary>Each <c>filtering</c> the sync planner sends, on the edges and on account-level insights, against the truth.</summary>
public sealed class When_the_planner_filters : SimulatorTest
{
    protected override void Configure(SimulatorOptions options)
    {
        options.CallBudget = 100_000;
        options.Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    }

    AccountTruth Truth => Simulator.Running.GetTruth(Sim.BigAccount)!;

    async Task<List<string>> InsightIdsAsync(string level, string filter) =>
        (await Simulator.ReadAllAsync($"{Sim.BigAccount}/insights?level={level}&date_preset=last_7d&fields={level}_id&limit=100&filtering={filter}"))
            .Rows.Select(r => r.GetProperty($"{level}_id").GetString()!).ToList();

    List<string> Campaigns(int count) => Truth.Campaigns.Ids.Take(count).ToList();

    [Fact]
    public async Task Should_read_the_ads_of_the_campaigns_IN_a_partition()
    {
        var partition = Campaigns(5);

        var ads = await Simulator.IdsAsync($"{Sim.BigAccount}/ads?filtering={Sim.Filter(("campaign.id", "IN", partition))}");

        Assert.Equal(Truth.Ads.Ids.Where(id => partition.Contains(Truth.Ads.Entities[id].CampaignId)).Order(), ads.Order());
    }

    [Fact]
    public async Task Should_read_the_remainder_NOT_IN_the_known_campaigns_with_every_id_once()
    {
        var known = Campaigns(30);
        var created = Simulator.Running.CreateCampaign(Sim.BigAccount);
        Simulator.Running.CreateAd(Simulator.Running.CreateAdSet(created.Id).Id);

        var inside = await Simulator.IdsAsync($"{Sim.BigAccount}/adsets?filtering={Sim.Filter(("campaign.id", "IN", known))}");
        var remainder = await Simulator.IdsAsync($"{Sim.BigAccount}/adsets?filtering={Sim.Filter(("campaign.id", "NOT_IN", known))}");

        Assert.Empty(inside.Intersect(remainder));
        Assert.Equal(Truth.AdSets.Ids.Order(), inside.Concat(remainder).Order());
        Assert.Contains(Truth.AdSets.Entities.Values.Single(s => s.CampaignId == created.Id).Id, remainder);
    }

    [Fact]
    public async Task Should_read_ads_by_adset_id_IN()
    {
        var adSets = Truth.AdSets.Ids.Take(7).ToList();

        var ads = await Simulator.IdsAsync($"{Sim.BigAccount}/ads?filtering={Sim.Filter(("adset.id", "IN", adSets))}");

        Assert.Equal(Truth.Ads.Ids.Where(id => adSets.Contains(Truth.Ads.Entities[id].AdSetId!)).Order(), ads.Order());
    }

    [Theory]
    [InlineData("campaign")]
    [InlineData("adset")]
    [InlineData("ad")]
    public async Task Should_keep_insights_to_the_delivering_statuses_at_every_level(string level)
    {
        var paused = level switch
        {
            "campaign" => Truth.Campaigns.InsightEligible[0],
            "adset" => Truth.AdSets.InsightEligible[0],
            _ => Truth.Ads.InsightEligible[0],
        };
        // Paused today, it delivered earlier this week: rows without a status filter, none with one.
        Simulator.Running.Pause(paused);

        var filtered = await InsightIdsAsync(level, Sim.Filter(($"{level}.effective_status", "IN", new[] { "ACTIVE", "WITH_ISSUES" })));
        var unfiltered = await InsightIdsAsync(level, Sim.Filter());

        var truth = level switch { "campaign" => Truth.Campaigns, "adset" => Truth.AdSets, _ => Truth.Ads };
        Assert.Equal(truth.InsightEligible.Order(), filtered.Order());
        Assert.Contains(paused, unfiltered);
        Assert.DoesNotContain(paused, filtered);
    }

    [Fact]
    public async Task Should_combine_a_partition_with_a_status_filter_on_insights()
    {
        var partition = Truth.Campaigns.InsightEligible.Take(3).ToList();

        var ads = await InsightIdsAsync("ad", Sim.Filter(("campaign.id", "IN", partition), ("ad.effective_status", "IN", new[] { "ACTIVE", "WITH_ISSUES" })));

        Assert.Equal(Truth.Ads.InsightEligible.Where(id => partition.Contains(Truth.Ads.Entities[id].CampaignId)).Order(), ads.Order());
    }

    [Fact]
    public async Task Should_read_what_changed_since_a_time_within_a_partition()
    {
        var since = new DateTimeOffset(2026, 11, 29, 11, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var partition = Campaigns(10);
        var inside = Truth.Ads.Ids.First(id => partition.Contains(Truth.Ads.Entities[id].CampaignId));
        var outside = Truth.Ads.Ids.First(id => !partition.Contains(Truth.Ads.Entities[id].CampaignId));
        Simulator.Running.Rename(inside, "changed inside");
        Simulator.Running.Rename(outside, "changed outside");

        var changed = await Simulator.IdsAsync(
            $"{Sim.BigAccount}/ads?filtering={Sim.Filter(("campaign.id", "IN", partition), ("ad.updated_time", "GREATER_THAN", since))}");

        Assert.Equal([inside], changed);
    }

    [Theory]
    [InlineData("campaign.budget", "IN")]
    [InlineData("ad.id", "IN")]
    [InlineData("campaign.id", "BETWEEN")]
    public async Task Should_refuse_an_unknown_field_or_operator_with_100(string field, string op)
    {
        var answer = await Simulator.GetAsync($"{Sim.BigAccount}/adsets?filtering={Sim.Filter((field, op, new[] { "1" }))}");

        Assert.Equal((HttpStatusCode.BadRequest, 100), (answer.Status, answer.Code));
    }
}
