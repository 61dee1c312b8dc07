using System.Net;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_the_data_changes_between_syncs : SimulatorTest
{
    /// <summary>Four weeks after the data set's objects were last updated, so a change is the newest update.</summary>
    static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    protected override void Configure(SimulatorOptions options)
    {
        options.CallBudget = 100_000;
        options.Clock = new FakeTimeProvider(Now);
    }

    RunningSimulator Running => Simulator.Running;
    AccountTruth Truth => Running.GetTruth(Sim.BigAccount)!;

    static string S(JsonElement row, string field) => row.GetProperty(field).GetString()!;

    [Fact]
    public async Task Should_drop_a_deleted_ad_from_the_edges_and_still_answer_it_by_id_as_DELETED()
    {
        var ad = Truth.Ads.InsightEligible[0];

        Running.Delete(ad);

        Assert.DoesNotContain(ad, await Simulator.IdsAsync($"{Sim.BigAccount}/ads"));
        Assert.DoesNotContain(ad, await Simulator.IdsAsync($"{Sim.BigAccount}/ads?effective_status=[\"DELETED\",\"ARCHIVED\"]"));
        var byId = await Simulator.GetAsync($"{ad}?fields=id,effective_status,updated_time");
        Assert.Equal("DELETED", S(byId.Body, "effective_status"));
        Assert.Contains(ad, Truth.Ads.Deleted);
        Assert.DoesNotContain(ad, Truth.Ads.Ids);
        Assert.Equal(Now, Truth.Ads.Entities[ad].UpdatedTime);
    }

    [Fact]
    public async Task Should_keep_a_deleted_ads_insights_on_its_own_edge_only()
    {
        var ad = Truth.Ads.InsightEligible[0];

        Running.Delete(ad);

        var own = await Simulator.GetAsync($"{ad}/insights?date_preset=last_7d&fields=ad_id,spend");
        var account = (await Simulator.ReadAllAsync($"{Sim.BigAccount}/insights?level=ad&date_preset=last_7d&fields=ad_id&limit=500")).Rows;
        Assert.Equal(ad, S(Assert.Single(own.Data), "ad_id"));
        Assert.DoesNotContain(ad, account.Select(r => S(r, "ad_id")));
    }

    [Fact]
    public async Task Should_archive_a_campaign_with_everything_under_it_and_list_them_only_when_filtered_for()
    {
        var campaign = Truth.Campaigns.InsightEligible[0];
        // A deleted ad stays DELETED: its own status comes first.
        var under = Truth.Ads.Entities.Values.Where(a => a.CampaignId == campaign && a.EffectiveStatus != "DELETED").Select(a => a.Id).ToList();

        Running.Archive(campaign);

        Assert.DoesNotContain(campaign, await Simulator.IdsAsync($"{Sim.BigAccount}/campaigns"));
        Assert.Contains(campaign, await Simulator.IdsAsync($"{Sim.BigAccount}/campaigns?effective_status=[\"ARCHIVED\"]"));
        Assert.Empty(under.Intersect(await Simulator.IdsAsync($"{Sim.BigAccount}/ads")));
        Assert.Equal(under.Order(), (await Simulator.IdsAsync(
            $"{Sim.BigAccount}/ads?filtering={Sim.Filter(("campaign.id", "IN", new[] { campaign }), ("ad.effective_status", "IN", new[] { "ARCHIVED" }))}")).Order());
        Assert.All(under, id => Assert.Equal("ARCHIVED", Truth.Ads.EffectiveStatus[id]));
    }

    [Fact]
    public async Task Should_pause_a_campaign_without_touching_its_childrens_updated_time()
    {
        var campaign = Truth.Campaigns.InsightEligible[0];
        var children = Truth.AdSets.Entities.Values.Where(s => s.CampaignId == campaign).ToList();
        var since = Now.AddMinutes(-1).ToUnixTimeSeconds();

        Running.Pause(campaign);

        var adSets = (await Simulator.ReadAllAsync($"{campaign}/adsets?fields=id,effective_status,updated_time&limit=100")).Rows;
        Assert.All(adSets, s => Assert.Contains(S(s, "effective_status"), new[] { "PAUSED", "CAMPAIGN_PAUSED" }));
        Assert.Contains(adSets, s => S(s, "effective_status") == "CAMPAIGN_PAUSED");
        Assert.Equal(children.Select(c => c.UpdatedTime).Order(), children.Select(c => Truth.AdSets.Entities[c.Id].UpdatedTime).Order());
        var changed = $"filtering={Sim.Filter(("campaign.updated_time", "GREATER_THAN", since))}";
        Assert.Equal([campaign], await Simulator.IdsAsync($"{Sim.BigAccount}/campaigns?{changed}"));
        Assert.Empty(await Simulator.IdsAsync($"{Sim.BigAccount}/adsets?filtering={Sim.Filter(("adset.updated_time", "GREATER_THAN", since))}"));
        Assert.DoesNotContain(campaign, Truth.Campaigns.InsightEligible);
    }

    [Fact]
    public async Task Should_resume_a_paused_ad_set_and_deliver_again_from_today()
    {
        var adSet = Truth.AdSets.Entities.Values.First(s => s.Status == "PAUSED" && Truth.Campaigns.InsightEligible.Contains(s.CampaignId)).Id;

        Running.Resume(adSet);

        Assert.Contains(adSet, Truth.AdSets.InsightEligible);
        var today = await Simulator.GetAsync($"{adSet}/insights?date_preset=today&fields=adset_id,spend");
        Assert.Equal(adSet, S(Assert.Single(today.Data), "adset_id"));
    }

    [Fact]
    public async Task Should_rename_an_object_and_return_it_to_a_read_of_what_changed()
    {
        var ad = Truth.Ads.Ids[^1];

        Running.Rename(ad, "Neuer Name – été 🌞");

        var changed = (await Simulator.ReadAllAsync(
            $"{Sim.BigAccount}/ads?fields=id,name&filtering={Sim.Filter(("ad.updated_time", "GREATER_THAN", Now.AddSeconds(-1).ToUnixTimeSeconds()))}")).Rows;
        Assert.Equal("Neuer Name – été 🌞", S(Assert.Single(changed), "name"));
        Assert.Equal("Neuer Name – été 🌞", Truth.Ads.Entities[ad].Name);
    }

    [Fact]
    public async Task Should_move_an_ad_to_an_ad_set_of_another_campaign()
    {
        var ad = Truth.Ads.Entities[Truth.Ads.InsightEligible[0]];
        var target = Truth.AdSets.Entities.Values.First(s => s.CampaignId != ad.CampaignId && Truth.AdSets.InsightEligible.Contains(s.Id));

        Running.Move(ad.Id, target.Id);

        var read = await Simulator.GetAsync($"{ad.Id}?fields=campaign_id,adset_id,effective_status");
        Assert.Equal((target.CampaignId, target.Id), (S(read.Body, "campaign_id"), S(read.Body, "adset_id")));
        Assert.Contains(ad.Id, await Simulator.IdsAsync($"{Sim.BigAccount}/ads?filtering={Sim.Filter(("campaign.id", "IN", new[] { target.CampaignId }))}"));
        Assert.DoesNotContain(ad.Id, await Simulator.IdsAsync($"{Sim.BigAccount}/ads?filtering={Sim.Filter(("campaign.id", "IN", new[] { ad.CampaignId }))}"));
        Assert.Contains(ad.Id, await Simulator.IdsAsync($"{target.Id}/ads"));
        Assert.Equal(target.Id, Truth.Ads.Entities[ad.Id].AdSetId);
    }

    [Fact]
    public async Task Should_create_a_campaign_ad_set_and_ad_with_a_creative_and_todays_insights()
    {
        var campaign = Running.CreateCampaign(Sim.BigAccount, new NewObject(Name: "Neue Kampagne", DailyBudget: 5000));
        var adSet = Running.CreateAdSet(campaign.Id);
        var ad = Running.CreateAd(adSet.Id);

        var ads = (await Simulator.ReadAllAsync($"{Sim.BigAccount}/ads?fields=id,campaign_id,adset_id,effective_status,created_time,creative{{id,title,body,image_url}}&limit=5")).Rows;
        var first = ads[0];
        Assert.Equal((ad.Id, campaign.Id, adSet.Id, "ACTIVE"), (S(first, "id"), S(first, "campaign_id"), S(first, "adset_id"), S(first, "effective_status")));
        Assert.StartsWith("https://", S(first.GetProperty("creative"), "image_url"));
        Assert.Equal("5000", S((await Simulator.GetAsync($"{campaign.Id}?fields=daily_budget")).Body, "daily_budget"));
        var today = await Simulator.GetAsync($"{Sim.BigAccount}/insights?level=ad&date_preset=today&fields=ad_id&limit=500");
        var yesterday = await Simulator.GetAsync($"{Sim.BigAccount}/insights?level=ad&date_preset=yesterday&fields=ad_id&limit=500");
        Assert.Contains(ad.Id, today.Data.Select(r => S(r, "ad_id")));
        Assert.DoesNotContain(ad.Id, yesterday.Data.Select(r => S(r, "ad_id")));
        Assert.Contains(ad.Id, Truth.Ads.InsightEligible);
        Assert.Contains(ad.Id, Truth.Insights["today"].Ads);
    }

    [Fact]
    public async Task Should_forget_a_purged_object_so_that_it_does_not_exist_even_by_id()
    {
        var ad = Truth.Ads.Ids[0];
        var other = Truth.Ads.Ids[1];

        Running.Purge(ad);

        var node = await Simulator.GetAsync($"{ad}?fields=id");
        var byIds = await Simulator.GetAsync($"?ids={ad},{other}&fields=id,effective_status");
        Assert.Equal((100, 33), (node.Code, node.Subcode));
        Assert.Equal((HttpStatusCode.NotFound, 803), (byIds.Status, byIds.Code));
        Assert.Contains(ad, byIds.Error.GetProperty("message").GetString());
        Assert.False(Truth.Ads.Entities.ContainsKey(ad));
    }

    [Fact]
    public void Should_refuse_to_change_a_deleted_object()
    {
        var ad = Truth.Ads.Ids[0];
        Running.Delete(ad);

        Assert.Throws<InvalidOperationException>(() => Running.Resume(ad));
    }
}
