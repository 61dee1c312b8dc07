using System.Net.Http.Json;
using System.Text.Json;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>The whole system follows Meta: sync, change the simulator's data, a forced sync, then the copy and the API against the truth.</summary>
public class When_meta_changes_between_syncs_end_to_end
{
    const string Account = "act_402958817730045";
    static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Should_list_exactly_the_live_objects_and_the_removed_ones_only_on_request_with_their_reason()
    {
        await using var system = await SyncSystem.StartAsync(s => s.LatencyMs = 20);
        var sim = system.Simulator;
        await Sync(system, force: false);
        var before = sim.GetTruth(Account)!;
        var archivedCampaign = before.Campaigns.Ids[0];
        var ads = before.Ads.Ids.Where(id => before.Ads.Entities[id].CampaignId != archivedCampaign).ToList();
        var target = before.AdSets.Ids.First(id => before.AdSets.Entities[id].CampaignId != archivedCampaign && id != before.Ads.Entities[ads[3]].AdSetId);

        sim.Archive(archivedCampaign);
        sim.Delete(ads[0]);
        sim.Pause(ads[1]);
        sim.Rename(ads[2], "Renamed between syncs");
        sim.Move(ads[3], target);
        var created = sim.CreateAd(target, new GraphSimulator.NewObject(Name: "Created between syncs"));
        var run = await Sync(system, force: true);

        var truth = sim.GetTruth(Account)!;
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        await StoredData.AssertMatchesTruthAsync(system.Postgres, sim, Account);
        foreach (var (edge, level, storedBefore) in new[] { ("campaigns", truth.Campaigns, before.Campaigns.Ids), ("adsets", truth.AdSets, before.AdSets.Ids), ("ads", truth.Ads, before.Ads.Ids) })
        {
            var live = await List(system, $"api/accounts/{Account}/{edge}?limit=500");
            var all = await List(system, $"api/accounts/{Account}/{edge}?limit=500&include=removed");
            Assert.Equal(level.Ids.Order(), live.Select(e => e.GetProperty("id").GetString()!).Order());
            Assert.All(live, e => Assert.Equal(level.EffectiveStatus[e.GetProperty("id").GetString()!], e.GetProperty("effectiveStatus").GetString()));
            var removed = all.Where(e => e.GetProperty("removedAt").ValueKind != JsonValueKind.Null).ToList();
            Assert.Equal(storedBefore.Except(level.Ids).Order(), removed.Select(e => e.GetProperty("id").GetString()!).Order());
            Assert.All(removed, e => Assert.Equal(level.EffectiveStatus[e.GetProperty("id").GetString()!], e.GetProperty("removedReason").GetString()));
        }

        var renamed = (await List(system, $"api/accounts/{Account}/ads?limit=500")).Single(e => e.GetProperty("id").GetString() == ads[2]);
        Assert.Equal("Renamed between syncs", renamed.GetProperty("name").GetString());
        Assert.Contains(created.Id, truth.Ads.Ids);
        var accounts = await system.Api.GetFromJsonAsync<JsonElement>("api/accounts");
        var counts = accounts.EnumerateArray().Single(a => a.GetProperty("accountId").GetString() == Account).GetProperty("counts");
        Assert.Equal((truth.Campaigns.Ids.Count, truth.AdSets.Ids.Count, truth.Ads.Ids.Count),
            (counts.GetProperty("campaigns").GetInt32(), counts.GetProperty("adSets").GetInt32(), counts.GetProperty("ads").GetInt32()));
        Assert.Equal(truth.Campaigns.InsightEligible.Count + truth.AdSets.InsightEligible.Count + truth.Ads.InsightEligible.Count, counts.GetProperty("eligible").GetInt32());
    }

    static async Task<JsonElement> Sync(SyncSystem system, bool force)
    {
        return await system.SyncToEnd(Account, RunTimeout, force);
    }

    static async Task<List<JsonElement>> List(SyncSystem system, string path)
    {
        var page = await system.Api.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("after").ValueKind);
        return page.GetProperty("data").EnumerateArray().ToList();
    }
}
