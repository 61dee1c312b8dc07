using System.Text.Json;
using MetaAdsSync.GraphSimulator;
using Npgsql;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>
/// 2EZi synced, changed in the simulator (an ad renamed, a campaign paused, an ad created), then synced again unforced
/// and not replayed (Sync:EntityMaxAge 0): the second run reads only what changed, and the paused campaign's children
/// by campaign, so it costs fewer calls and bytes than the full read, and the copy is the truth again.
/// </summary>
public class When_entities_are_read_incrementally
{
    const string TwoEzi = "act_697495618573979";
    static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);
    static readonly string[] EntityEdges = ["campaigns", "adsets", "ads"];

    [Fact]
    public async Task Should_read_less_than_a_full_read_and_leave_the_copy_equal_to_the_truth()
    {
        await using var system = await SyncSystem.StartAsync(settings: new Dictionary<string, string>
        {
            ["Sync__EntityMaxAge"] = "00:00:00",
            // Insights are read again by both runs alike (so the copy's insight rows follow the paused campaign).
            ["Sync__InsightMaxAge"] = "00:00:00",
            ["Sync__DailyInsightDays"] = "0",
        });
        var sim = system.Simulator;
        var full = await Sync(system);
        var (fullCalls, fullBytes) = EntityReads(sim.GetStats());
        Assert.False(full.GetProperty("plan").TryGetProperty("incrementalLevels", out var levels) && levels.ValueKind != JsonValueKind.Null);

        var before = sim.GetTruth(TwoEzi)!;
        var campaign = before.Campaigns.Ids.First(c => before.Ads.Entities.Values.Any(a => a.CampaignId == c && a.EffectiveStatus == "ACTIVE"));
        var renamed = before.Ads.Ids.First(a => before.Ads.Entities[a].CampaignId != campaign);
        var adSet = before.AdSets.Ids.First(s => before.AdSets.Entities[s].CampaignId != campaign);
        sim.Rename(renamed, "Renamed since the last sync");
        sim.Pause(campaign);
        var created = sim.CreateAd(adSet, new NewObject(Name: "Created since the last sync"));
        sim.Reset();

        var incremental = await Sync(system);
        var (calls, bytes) = EntityReads(sim.GetStats());

        Assert.Equal(["Campaign", "AdSet", "Ad"], incremental.GetProperty("plan").GetProperty("incrementalLevels").EnumerateArray().Select(l => l.GetString()));
        Assert.True(calls < fullCalls, $"incremental: {calls} entity call(s), full: {fullCalls}");
        Assert.True(bytes < fullBytes, $"incremental: {bytes} bytes of entities, full: {fullBytes}");
        var truth = sim.GetTruth(TwoEzi)!;
        // The entity levels: exactly the live ids (the preset's insight rows of entities paused since are kept, as by a full read).
        var compared = await StoredData.CompareAsync(system.Postgres, sim, [TwoEzi]);
        Assert.DoesNotContain(compared.Problems, p => !p.Contains("insight rows", StringComparison.Ordinal));
        foreach (var (table, level) in new[] { ("campaigns", truth.Campaigns), ("ad_sets", truth.AdSets), ("ads", truth.Ads) })
        {
            var expected = level.Ids.Select(id => $"{id}|{level.Entities[id].Name}|{level.EffectiveStatus[id]}").Order(StringComparer.Ordinal).ToList();
            var stored = await Strings(system, $"SELECT id || '|' || name || '|' || effective_status FROM {table} WHERE account_id = @a AND removed_at IS NULL");
            Assert.Equal(expected, stored.Order(StringComparer.Ordinal));
        }

        Assert.Contains(truth.Ads.Ids, a => truth.Ads.Entities[a].CampaignId == campaign && truth.Ads.EffectiveStatus[a] == "CAMPAIGN_PAUSED");
        Assert.Contains(created.Id, truth.Ads.Ids);
        // An incremental read marks nothing removed and does not count as a full read.
        var marks = await Strings(system, "SELECT level || '|' || (last_full_sync_at < last_read_run_started_at) FROM entity_sync_marks WHERE account_id = @a");
        Assert.Equal(["adset|true", "ad|true", "campaign|true"], marks.Order(StringComparer.Ordinal));
    }

    /// <summary>Calls and response bytes of the entity edges since the simulator's stats were last reset.</summary>
    static (long Calls, long Bytes) EntityReads(SimulatorStats stats) => (
        EntityEdges.Sum(e => stats.CallsByEndpoint.GetValueOrDefault(e)),
        EntityEdges.Sum(e => stats.BytesByEndpoint!.GetValueOrDefault(e)));

    static async Task<JsonElement> Sync(SyncSystem system)
    {
        var run = await system.SyncToEnd(TwoEzi, RunTimeout);
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        return run;
    }

    static async Task<List<string>> Strings(SyncSystem system, string sql)
    {
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        return await StoredData.Strings(connection, sql, TwoEzi);
    }
}
