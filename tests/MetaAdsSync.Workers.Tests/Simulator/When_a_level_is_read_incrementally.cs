using MetaAdsSync.Contracts;
using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.Workers.Tests.Simulator;

/// <summary>
/// The EntityFetcher's incremental read against the simulator: only what Meta changed since (<c>updated_time</c>), the
/// parents whose status changed named on the page, nothing completed or marked removed; and the children of a paused
/// campaign, which Meta leaves with their old <c>updated_time</c>, read by <c>campaign.id</c>.
/// </summary>
public class When_a_level_is_read_incrementally(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    const string Account = "act_310264958871203";

    [Fact]
    public async Task Should_read_only_what_changed_name_the_paused_campaign_and_complete_nothing()
    {
        await using var sim = await SimulatorApp.StartAsync();
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim);
        await SimulatorRun.ReadEntitiesAsync(host, Account, Guid.NewGuid());
        const string marks = "SELECT level || '|' || last_full_sync_at || '|' || last_run_id FROM entity_sync_marks WHERE account_id = @a ORDER BY 1";
        var marked = await ReadAsync(marks);
        var before = sim.GetTruth(Account)!;
        // A second back: updated_time is in whole seconds.
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var campaign = before.Campaigns.Ids.First(c => before.Ads.Entities.Values.Any(a => a.CampaignId == c && a.EffectiveStatus == "ACTIVE"));
        var renamed = before.Ads.Ids.First(a => before.Ads.Entities[a].CampaignId != campaign);
        var gone = before.Ads.Ids.First(a => before.Ads.Entities[a].CampaignId != campaign && a != renamed);
        sim.Pause(campaign);
        sim.Rename(renamed, "Renamed since");
        sim.Delete(gone);
        sim.Reset();

        var run = Guid.NewGuid();
        var campaigns = await SimulatorRun.FetchLevelAsync(host, Account, EntityLevel.Campaign, force: false, run, updatedSince: since);
        var adSets = await SimulatorRun.FetchLevelAsync(host, Account, EntityLevel.AdSet, force: false, run, updatedSince: since);
        var ads = await SimulatorRun.FetchLevelAsync(host, Account, EntityLevel.Ad, force: false, run, updatedSince: since);

        var page = Assert.Single(campaigns);
        Assert.Equal(1, page.Count);
        Assert.Equal([campaign], page.StatusChangedIds!);
        // Pausing a campaign touches neither its ad sets' updated_time nor its ads'.
        Assert.Equal(0, Assert.Single(adSets).Count);
        Assert.Equal(1, Assert.Single(ads).Count);
        Assert.Null(Assert.Single(ads).StatusChangedIds);
        Assert.Equal(3, sim.GetStats().Calls);
        // Nothing completed, nothing marked removed: the deleted ad is found by the next full read.
        Assert.Equal(marked, await ReadAsync(marks));
        Assert.Empty(await ReadAsync("SELECT id FROM ads WHERE account_id = @a AND removed_at IS NOT NULL"));
        Assert.Equal(["Renamed since"], await ReadAsync($"SELECT name FROM ads WHERE id = '{renamed}'"));
        var stale = await ReadAsync($"SELECT effective_status FROM ads WHERE campaign_id = '{campaign}' AND effective_status = 'CAMPAIGN_PAUSED'");
        Assert.Empty(stale);

        // The saga's follow-up: the paused campaign's ads, read fully by campaign.id.
        var children = await SimulatorRun.FetchLevelAsync(host, Account, EntityLevel.Ad, force: false, run,
            partition: new Partition(PartitionKind.Campaigns, [campaign]));
        var truth = sim.GetTruth(Account)!;
        var expected = truth.Ads.Ids.Where(a => truth.Ads.Entities[a].CampaignId == campaign).Order().Select(a => a + "|" + truth.Ads.EffectiveStatus[a]).ToList();
        Assert.Equal(expected.Count, children.Sum(p => p.Count));
        Assert.Equal(expected, await ReadAsync($"SELECT id || '|' || effective_status FROM ads WHERE campaign_id = '{campaign}' AND removed_at IS NULL ORDER BY id"));
        Assert.Contains(expected, e => e.EndsWith("|CAMPAIGN_PAUSED", StringComparison.Ordinal));
    }

    async Task<List<string>> ReadAsync(string sql)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        return await StoredData.Strings(connection, sql, Account);
    }
}
