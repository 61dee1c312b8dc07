using System.Text.Json;
using Npgsql;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>
/// 2EZi's 798 ads in 49 campaigns, read in partitions by campaign, against the simulator's truth: on the first sync
/// (no shape: cut by count as the campaign read names campaigns), and once the shape is known after the data changed
/// between syncs: every id read, none twice (the run's count is the truth's, and every stored row of the level carries
/// the run), and what the Graph no longer lists marked removed once every partition of its level is done.
/// </summary>
public class When_a_level_is_read_in_partitions
{
    const string TwoEzi = "act_697495618573979";
    static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Should_read_every_id_once_whatever_changed_since_the_shape_was_known()
    {
        // Partitions of ~600 ads: more than the fetcher's 500-row page, which Meta refuses for ads as too much data.
        await using var system = await SyncSystem.StartAsync(entityFetchers: 2,
            settings: new Dictionary<string, string> { ["Sync__PartitionSize"] = "600" });

        // The first sync: the ads wait for the campaign read and are read by campaign.
        var first = await Sync(system);
        Assert.True(Partitions(first, "Ad") >= 2, $"the first sync read the ads in {Partitions(first, "Ad")} partition(s)");
        await AssertEveryIdOnce(system, first);

        // Between syncs: an ad moves to another campaign, a campaign is created with an ad set and an ad, a campaign is gone.
        var truth = system.Simulator.GetTruth(TwoEzi)!;
        var ad = truth.Ads.Entities.Values.First();
        var otherAdSet = truth.AdSets.Entities.Values.First(s => s.CampaignId != ad.CampaignId);
        system.Simulator.Move(ad.Id, otherAdSet.Id);
        var created = system.Simulator.CreateCampaign(TwoEzi);
        system.Simulator.CreateAd(system.Simulator.CreateAdSet(created.Id).Id);
        system.Simulator.Purge(truth.Campaigns.Ids.First(c => c != ad.CampaignId && c != otherAdSet.CampaignId));
        // Forgotten learned page sizes: a partition asks for 500 again and is halved.
        await Execute(system, "DELETE FROM page_limits");

        // The new campaign's ads are read by a partition the run adds once its campaign read names the campaign.
        var second = await Sync(system);
        Assert.True(Partitions(second, "Ad") >= 2, $"the ads were read in {Partitions(second, "Ad")} partition(s)");
        await AssertEveryIdOnce(system, second);
        Assert.Equal(250, await Scalar<int>(system, $"SELECT page_limit FROM page_limits WHERE account_id = '{TwoEzi}' AND edge = 'ads'"));

        // Nothing created since: no partition added.
        var third = await Sync(system);
        Assert.True(Partitions(third, "Ad") >= 2);
        await AssertEveryIdOnce(system, third);
        // Why the gone campaign's ads left was looked up at the level's next read, by the one partition that looks
        // reasons up: Meta says they no longer exist.
        var reasons = await Ids(system, $"SELECT DISTINCT coalesce(removed_reason, 'none') FROM ads WHERE account_id = '{TwoEzi}' AND removed_at IS NOT NULL");
        Assert.Equal(["DELETED"], reasons);
    }

    [Fact]
    public async Task Should_read_a_first_sync_by_campaign_exactly_as_the_truth_when_its_campaign_read_pages()
    {
        // Campaign pages of 20: 2EZi's 49 campaigns come in three pages, each cut into partitions of ads read at once.
        await using var system = await SyncSystem.StartAsync(entityFetchers: 2,
            settings: new Dictionary<string, string> { ["Meta__CampaignPageSize"] = "20" });

        var first = await Sync(system);

        var plan = first.GetProperty("plan");
        Assert.Equal(["Ad"], plan.GetProperty("byCampaignLevels").EnumerateArray().Select(l => l.GetString()));
        // Three pages of at most the key's allowed concurrency before its first call (4) each.
        Assert.InRange(Partitions(first, "Ad"), 3, 12);
        Assert.Equal(1, Partitions(first, "AdSet"));
        await AssertEveryIdOnce(system, first);
        // Entities and insights exactly the truth's: insights for exactly the eligible entities.
        await StoredData.AssertMatchesTruthAsync(system.Postgres, system.Simulator, TwoEzi);
        // Every partition done, the run marked the ads read completely, and where their next incremental read starts.
        Assert.Equal(1L, await Scalar<long>(system,
            $"SELECT count(*) FROM entity_sync_marks WHERE account_id = '{TwoEzi}' AND level = 'ad' AND last_read_run_started_at IS NOT NULL"));
        // The plan's calls are what it expects at least: one per partition and page it knows of.
        Assert.InRange(first.GetProperty("graphCalls").GetInt32(), plan.GetProperty("callsPlanned").GetInt32(), int.MaxValue);

        var second = await Sync(system);
        Assert.False(second.GetProperty("plan").TryGetProperty("byCampaignLevels", out var levels) && levels.ValueKind == JsonValueKind.Array);
        await AssertEveryIdOnce(system, second);
    }

    static async Task<JsonElement> Sync(SyncSystem system)
    {
        var run = await system.SyncToEnd(TwoEzi, RunTimeout, force: true);
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        return run;
    }

    static int Partitions(JsonElement run, string level) =>
        run.GetProperty("plan").GetProperty("entityPartitions").GetProperty(level).GetInt32();

    /// <summary>Every level's ids as the Graph answers now, each stored by this run, and the run counted each once.</summary>
    static async Task AssertEveryIdOnce(SyncSystem system, JsonElement run)
    {
        var truth = system.Simulator.GetTruth(TwoEzi)!;
        var runId = run.GetProperty("syncId").GetGuid();
        var entities = run.GetProperty("entities");
        foreach (var (table, ids, counted) in new[]
        {
            ("campaigns", truth.Campaigns.Ids, entities.GetProperty("campaigns").GetInt32()),
            ("ad_sets", truth.AdSets.Ids, entities.GetProperty("adSets").GetInt32()),
            ("ads", truth.Ads.Ids, entities.GetProperty("ads").GetInt32()),
        })
        {
            var stored = await Ids(system, $"SELECT id FROM {table} WHERE account_id = '{TwoEzi}' AND last_run_id = '{runId}'");
            Assert.Equal(ids.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
            Assert.Equal(ids.Count, counted);
            // The level was complete only once every partition was: what none returned (the gone campaign's) left the live copy.
            var live = await Ids(system, $"SELECT id FROM {table} WHERE account_id = '{TwoEzi}' AND removed_at IS NULL");
            Assert.Equal(ids.Order(StringComparer.Ordinal), live.Order(StringComparer.Ordinal));
        }
    }

    static async Task<List<string>> Ids(SyncSystem system, string sql)
    {
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    static async Task<T> Scalar<T>(SyncSystem system, string sql)
    {
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    static async Task Execute(SyncSystem system, string sql)
    {
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
