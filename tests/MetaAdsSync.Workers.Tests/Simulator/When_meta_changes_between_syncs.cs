using MetaAdsSync.Contracts;
using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.Workers;

namespace MetaAdsSync.Workers.Tests.Simulator;

/// <summary>
/// The copy follows Meta over time: sync, change the simulator's data, sync again (forced), compare with its truth.
/// Each test reads an account of its own, since the test class shares one database.
/// </summary>
public class When_meta_changes_between_syncs(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    static readonly (EntityLevel Level, string Table)[] Tables = [(EntityLevel.Campaign, "campaigns"), (EntityLevel.AdSet, "ad_sets"), (EntityLevel.Ad, "ads")];

    [Fact]
    public async Task Should_mark_what_meta_no_longer_returns_with_its_reason_and_keep_the_rest_current()
    {
        const string account = "act_310264958871203";
        await using var sim = await SimulatorApp.StartAsync();
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim);
        await SimulatorRun.ReadEntitiesAsync(host, account, Guid.NewGuid());
        var before = sim.GetTruth(account)!;
        var stored = await StoredIdsAsync(account);

        var archivedCampaign = before.Campaigns.Ids[0];
        var ads = before.Ads.Ids.Where(id => before.Ads.Entities[id].CampaignId != archivedCampaign).ToList();
        var (deleted, archived, paused, renamed, moved, purged, recreative) = (ads[0], ads[1], ads[2], ads[3], ads[4], ads[5], ads[6]);
        var target = before.AdSets.Ids.First(id => before.AdSets.Entities[id].CampaignId != archivedCampaign && id != before.Ads.Entities[moved].AdSetId);
        var budgeted = before.AdSets.Ids.First(id => before.AdSets.Entities[id].CampaignId != archivedCampaign);
        sim.Archive(archivedCampaign);
        sim.Delete(deleted);
        sim.Archive(archived);
        sim.Pause(paused);
        sim.Rename(renamed, "Renamed between syncs");
        sim.Rename(before.Campaigns.Ids[1], "A campaign renamed");
        sim.Move(moved, target);
        sim.Purge(purged);
        sim.Change(recreative, new ObjectChange(CreativeTitle: "A new title", CreativeBody: "A new body"));
        sim.Change(budgeted, new ObjectChange(DailyBudget: 123_456));
        var created = sim.CreateAd(sim.CreateAdSet(sim.CreateCampaign(account).Id).Id);
        sim.Reset();

        var run = Guid.NewGuid();
        var pages = await SimulatorRun.ReadEntitiesAsync(host, account, run);

        var truth = sim.GetTruth(account)!;
        foreach (var (level, table) in Tables)
        {
            var levelTruth = Of(truth, level);
            Assert.Equal(levelTruth.Ids.Order(), await db.ReadAsync($"SELECT id FROM {table} WHERE account_id = '{account}' AND removed_at IS NULL ORDER BY id", r => r.GetString(0)));
            var gone = stored[level].Except(levelTruth.Ids).Order().ToList();
            Assert.NotEmpty(gone);
            var removed = await db.ReadAsync(
                $"SELECT id, removed_reason, effective_status, removed_by_run FROM {table} WHERE account_id = '{account}' AND removed_at IS NOT NULL ORDER BY id",
                r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetGuid(3)));
            // Meta answers ARCHIVED or DELETED by id; an id it no longer knows at all (purged) is DELETED.
            var reasons = gone.Select(id => levelTruth.EffectiveStatus.GetValueOrDefault(id) ?? "DELETED").ToList();
            Assert.Equal(gone.Zip(reasons, (id, reason) => (id, reason, reason, run)), removed);
            Assert.Equal(levelTruth.InsightEligible.Order(), pages[level].SelectMany(p => p.EligibleIds).Order());
        }

        Assert.Contains(purged, stored[EntityLevel.Ad]);
        Assert.Contains(created.Id, truth.Ads.Ids);
        await AssertCurrentAsync(account, truth);
        // One look-up per level (each has under 50 removed ids), one more for the ads the purged id failed; every call
        // of the read, look-ups included, is counted on its pages.
        Assert.Equal(4, sim.GetStats().CallsByEndpoint.GetValueOrDefault("ids"));
        Assert.Equal(sim.GetStats().Calls, pages.Values.Sum(level => level.Sum(p => p.GraphCalls)));
    }

    [Fact]
    public async Task Should_make_an_object_live_again_when_meta_returns_it_again()
    {
        const string account = "act_518830041276654";
        await using var sim = await SimulatorApp.StartAsync();
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim);
        await SimulatorRun.ReadEntitiesAsync(host, account, Guid.NewGuid());
        var ad = sim.GetTruth(account)!.Ads.Ids[0];

        sim.Archive(ad);
        await SimulatorRun.ReadEntitiesAsync(host, account, Guid.NewGuid());
        var whileArchived = await RowAsync(ad);
        sim.Resume(ad);
        await SimulatorRun.ReadEntitiesAsync(host, account, Guid.NewGuid());

        Assert.Equal((true, "ARCHIVED", "ARCHIVED"), whileArchived);
        Assert.Equal((false, null, sim.GetTruth(account)!.Ads.EffectiveStatus[ad]), await RowAsync(ad));
        Assert.Equal(sim.GetTruth(account)!.Ads.Ids.Order(), await db.ReadAsync($"SELECT id FROM ads WHERE account_id = '{account}' AND removed_at IS NULL ORDER BY id", r => r.GetString(0)));
    }

    [Fact]
    public async Task Should_store_archived_objects_with_their_status_never_eligible_and_not_removed_when_asked_to()
    {
        const string account = "act_129574403318862";
        await using var sim = await SimulatorApp.StartAsync();
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim, new() { ["Sync:IncludeArchived"] = "true" });
        var first = await SimulatorRun.ReadEntitiesAsync(host, account, Guid.NewGuid());
        var before = sim.GetTruth(account)!;
        var (archived, deleted) = (before.Ads.Ids[0], before.Ads.Ids[1]);

        sim.Archive(archived);
        sim.Delete(deleted);
        var second = await SimulatorRun.ReadEntitiesAsync(host, account, Guid.NewGuid());

        var truth = sim.GetTruth(account)!;
        foreach (var (level, table) in Tables)
        {
            var levelTruth = Of(truth, level);
            var live = await db.ReadAsync($"SELECT id, effective_status FROM {table} WHERE account_id = '{account}' AND removed_at IS NULL ORDER BY id", r => (r.GetString(0), r.GetString(1)));
            Assert.Equal(levelTruth.Ids.Concat(levelTruth.Archived).Order().Select(id => (id, levelTruth.EffectiveStatus[id])), live);
            Assert.Equal(Of(before, level).InsightEligible.Order(), first[level].SelectMany(p => p.EligibleIds).Order());
            Assert.Equal(levelTruth.InsightEligible.Order(), second[level].SelectMany(p => p.EligibleIds).Order());
        }

        Assert.Contains(archived, truth.Ads.Archived);
        Assert.Equal([(deleted, "DELETED")], await db.ReadAsync($"SELECT id, removed_reason FROM ads WHERE account_id = '{account}' AND removed_at IS NOT NULL", r => (r.GetString(0), r.GetString(1))));
    }

    [Fact]
    public async Task Should_let_no_write_of_an_older_run_win_over_a_newer_run_nor_mark_anything_removed()
    {
        const string account = "act_884102937465120";
        await using var sim = await SimulatorApp.StartAsync();
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim);
        var oldStart = DateTimeOffset.UtcNow;
        var newRun = Guid.NewGuid();
        var newer = await SimulatorRun.SyncAsync(host, account, "last_7d", newRun, runStartedAt: oldStart.AddMinutes(1));
        var window = DailyWindow.Last(28, DateOnly.FromDateTime(DateTime.UtcNow));
        var newerDaily = new FetchInsightsBatch(newRun, account, Guid.NewGuid(), EntityLevel.Ad, "last_7d", Partition.WholeLevel, oldStart.AddMinutes(1), window);
        await host.PublishAsync(newerDaily);
        Assert.IsType<InsightsBatchFetched>(await host.BatchDoneAsync(newRun, newerDaily.BatchId));
        var ads = sim.GetTruth(account)!.Ads.Ids;
        const string snapshot = """
            SELECT 'ad|' || id || '|' || name || '|' || effective_status || '|' || (removed_at IS NULL) || '|' || last_run_id FROM ads WHERE account_id = @a
            UNION ALL SELECT 'insight|' || level || '|' || entity_id || '|' || impressions || '|' || last_run_id FROM insights WHERE account_id = @a
            UNION ALL SELECT 'daily|' || level || '|' || entity_id || '|' || date || '|' || impressions || '|' || last_run_id FROM daily_insights WHERE account_id = @a
            UNION ALL SELECT 'mark|' || level || '|' || last_run_id FROM entity_sync_marks WHERE account_id = @a
            ORDER BY 1
            """;
        var newRows = await ReadAsync(snapshot, account);

        // Meta changes, then a page of a run that started before the newer one arrives late (a timed-out fetcher, a redelivery).
        sim.Rename(ads[0], "Written by the older run");
        sim.Delete(ads[1]);
        sim.Restate(account, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-10)), DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), 2);
        var oldRun = Guid.NewGuid();
        await SimulatorRun.FetchLevelAsync(host, account, EntityLevel.Ad, force: true, oldRun, oldStart);
        var batch = new FetchInsightsBatch(oldRun, account, Guid.NewGuid(), EntityLevel.Ad, "last_7d", Partition.WholeLevel, oldStart);
        await host.PublishAsync(batch);
        Assert.IsType<InsightsBatchFetched>(await host.BatchDoneAsync(oldRun, batch.BatchId));
        // Its daily read too, after Meta restated the days: the newer run's days stay.
        var daily = newerDaily with { RunId = oldRun, BatchId = Guid.NewGuid(), RunStartedAt = oldStart };
        await host.PublishAsync(daily);
        Assert.IsType<InsightsBatchFetched>(await host.BatchDoneAsync(oldRun, daily.BatchId));

        Assert.Contains(newer.Batches, b => b.Answer is InsightsBatchFetched { Rows: > 0 });
        Assert.Equal(newRows, await ReadAsync(snapshot, account));
        Assert.All(newRows, row => Assert.EndsWith(newRun.ToString(), row, StringComparison.Ordinal));

        // The newer run's next read takes the change.
        await SimulatorRun.FetchLevelAsync(host, account, EntityLevel.Ad, force: true, runStartedAt: oldStart.AddMinutes(2));
        Assert.Equal([("Written by the older run", true), ("DELETED", false)], await db.ReadAsync(
            $"SELECT CASE WHEN removed_at IS NULL THEN name ELSE removed_reason END, removed_at IS NULL FROM ads WHERE id IN ('{ads[0]}', '{ads[1]}') ORDER BY removed_at NULLS FIRST",
            r => (r.GetString(0), r.GetBoolean(1))));
    }

    async Task<Dictionary<EntityLevel, List<string>>> StoredIdsAsync(string account)
    {
        var ids = new Dictionary<EntityLevel, List<string>>();
        foreach (var (level, table) in Tables)
        {
            ids[level] = await db.ReadAsync($"SELECT id FROM {table} WHERE account_id = '{account}'", r => r.GetString(0));
        }

        return ids;
    }

    /// <summary>Names, statuses, parents, budgets and creatives of every live object are Meta's current ones.</summary>
    async Task AssertCurrentAsync(string account, AccountTruth truth)
    {
        var campaigns = await db.ReadAsync($"SELECT id, name, status, effective_status, daily_budget, lifetime_budget FROM campaigns WHERE account_id = '{account}' AND removed_at IS NULL",
            r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? (long?)null : r.GetInt64(4), r.IsDBNull(5) ? (long?)null : r.GetInt64(5)));
        Assert.Equal(truth.Campaigns.Ids.Select(id => truth.Campaigns.Entities[id]).Select(e => (e.Id, e.Name, e.Status, e.EffectiveStatus, e.DailyBudget, e.LifetimeBudget)).Order(), campaigns.Order());
        var adSets = await db.ReadAsync($"SELECT id, name, effective_status, campaign_id, daily_budget, lifetime_budget FROM ad_sets WHERE account_id = '{account}' AND removed_at IS NULL",
            r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? (long?)null : r.GetInt64(4), r.IsDBNull(5) ? (long?)null : r.GetInt64(5)));
        Assert.Equal(truth.AdSets.Ids.Select(id => truth.AdSets.Entities[id]).Select(e => (e.Id, e.Name, e.EffectiveStatus, e.CampaignId, e.DailyBudget, e.LifetimeBudget)).Order(), adSets.Order());
        var ads = await db.ReadAsync($"SELECT id, name, effective_status, campaign_id, ad_set_id, creative->>'title', creative->>'body' FROM ads LEFT JOIN ad_creatives ON ad_id = id WHERE account_id = '{account}' AND removed_at IS NULL",
            r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)));
        Assert.Equal(truth.Ads.Ids.Select(id => truth.Ads.Entities[id]).Select(e => (e.Id, e.Name, e.EffectiveStatus, e.CampaignId, e.AdSetId!, e.CreativeTitle, e.CreativeBody)).Order(), ads.Order());
    }

    async Task<(bool Removed, string? Reason, string Status)> RowAsync(string adId) =>
        (await db.ReadAsync($"SELECT removed_at IS NOT NULL, removed_reason, effective_status FROM ads WHERE id = '{adId}'",
            r => (r.GetBoolean(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)))).Single();

    async Task<List<string>> ReadAsync(string sql, string account)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        return await StoredData.Strings(connection, sql, account);
    }

    static LevelTruth Of(AccountTruth truth, EntityLevel level) => level switch
    {
        EntityLevel.Campaign => truth.Campaigns,
        EntityLevel.AdSet => truth.AdSets,
        _ => truth.Ads,
    };
}
