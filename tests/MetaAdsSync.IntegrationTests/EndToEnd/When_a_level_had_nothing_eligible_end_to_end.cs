using System.Text.Json;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>
/// River Road Liquor has one active campaign and no active ad set or ad. Once a complete read has said so, a sync reads
/// no insights of those two levels (the seed's "entity only, no insights"), until an entity read names an eligible one:
/// then that level's insights are read in the same run, and the copy is Meta's again.
/// </summary>
public class When_a_level_had_nothing_eligible_end_to_end
{
    const string Account = "act_402958817730045";
    static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Should_skip_the_insight_reads_of_levels_with_nothing_eligible_until_an_entity_read_names_one()
    {
        // Preset aggregates only: daily reads have no status filter and are never held.
        await using var system = await SyncSystem.StartAsync(s => s.LatencyMs = 20,
            settings: new Dictionary<string, string> { ["Sync__DailyInsightDays"] = "0" });
        var sim = system.Simulator;
        // The first sync knows nothing yet: it reads every level's insights.
        Assert.Equal(3, (await Sync(system)).GetProperty("plan").GetProperty("insightPartitions").EnumerateObject().Count());

        var second = await Sync(system);
        Assert.Equal(["AdSet", "Ad"], second.GetProperty("plan").GetProperty("heldInsightLevels").EnumerateArray().Select(l => l.GetString()));
        // Three entity reads and the campaigns' insights.
        Assert.True(second.GetProperty("graphCalls").GetInt32() == 4, second.ToString());
        Assert.Equal(["Campaign"], second.GetProperty("plan").GetProperty("insightPartitions").EnumerateObject().Select(p => p.Name));
        await StoredData.AssertMatchesTruthAsync(system.Postgres, sim, Account);

        var truth = sim.GetTruth(Account)!;
        var active = truth.Campaigns.Ids.Single(id => truth.Campaigns.EffectiveStatus[id] == "ACTIVE");
        var adSet = sim.CreateAdSet(active);
        var ad = sim.CreateAd(adSet.Id);
        var third = await Sync(system);

        Assert.True(third.GetProperty("graphCalls").GetInt32() == 6, third.ToString());
        var after = sim.GetTruth(Account)!;
        Assert.Contains(adSet.Id, after.AdSets.InsightEligible);
        Assert.Contains(ad.Id, after.Ads.InsightEligible);
        await StoredData.AssertMatchesTruthAsync(system.Postgres, sim, Account);
    }

    static async Task<JsonElement> Sync(SyncSystem system)
    {
        var run = await system.SyncToEnd(Account, RunTimeout, force: true);
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        return run;
    }
}
