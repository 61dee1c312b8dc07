using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;
using MetaAdsSync.Storage.Upserts;

namespace MetaAdsSync.Workers.Tests.Storage;

public class When_a_page_of_entities_is_upserted(MigratedDatabase db) : IClassFixture<MigratedDatabase>
{
    static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    static Ad Ad(string id, string account = "act_1", string? creative = """{"id":"cr1","title":"T"}""", string status = "ACTIVE") => new()
    {
        Id = id, AccountId = account, Name = "Ad " + id, Status = status, EffectiveStatus = status,
        CampaignId = "c1", AdSetId = "s1", Creative = creative, CreatedTime = Now.AddDays(-3).ToOffset(TimeSpan.FromHours(2)),
        UpdatedTime = Now.AddDays(-1), SyncedAt = Now, LastRunId = Guid.NewGuid(),
    };

    [Fact]
    public async Task Should_leave_the_same_rows_when_the_same_page_is_upserted_twice()
    {
        var page = Enumerable.Range(1, 300).Select(i => Ad($"twice-{i}")).ToList();
        await using var connection = await db.DataSource.OpenConnectionAsync();

        await EntityUpserts.UpsertAdsAsync(connection, page, default);
        await EntityUpserts.UpsertAdsAsync(connection, page, default);

        Assert.Equal(300, await db.CountAsync("SELECT count(*) FROM ads WHERE id LIKE 'twice-%'"));
        Assert.Equal(300, await db.CountAsync("SELECT count(DISTINCT id) FROM ads WHERE id LIKE 'twice-%'"));
        Assert.Equal(300, await db.CountAsync("SELECT count(*) FROM ads LEFT JOIN ad_creatives ON ad_id = id WHERE id LIKE 'twice-%' AND creative->>'title' = 'T'"));
    }

    [Fact]
    public async Task Should_update_changed_fields_of_existing_rows()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await EntityUpserts.UpsertAdsAsync(connection, [Ad("change-1"), Ad("change-2")], default);

        var affected = await EntityUpserts.UpsertAdsAsync(connection, [Ad("change-1", status: "PAUSED", creative: null), Ad("change-3")], default);

        Assert.Equal(2, affected);
        var rows = await db.ReadAsync("SELECT id, effective_status, creative IS NULL FROM ads LEFT JOIN ad_creatives ON ad_id = id WHERE id LIKE 'change-%' ORDER BY id",
            r => (r.GetString(0), r.GetString(1), r.GetBoolean(2)));
        Assert.Equal([("change-1", "PAUSED", true), ("change-2", "ACTIVE", false), ("change-3", "ACTIVE", false)], rows);
    }

    [Fact]
    public async Task Should_rewrite_a_changed_creative_and_leave_an_unchanged_one_as_it_was_written()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await EntityUpserts.UpsertAdsAsync(connection, [Ad("cr-same"), Ad("cr-changed")], default);
        var before = await Versions();

        await EntityUpserts.UpsertAdsAsync(connection, [Ad("cr-same"), Ad("cr-changed", creative: """{"id":"cr1","title":"New"}""")], default);

        var after = await Versions();
        // Both ad rows are rewritten (a new run saw them); only the changed creative's row is.
        Assert.NotEqual(before["cr-same"].Ad, after["cr-same"].Ad);
        Assert.Equal(before["cr-same"].Creative, after["cr-same"].Creative);
        Assert.NotEqual(before["cr-changed"].Creative, after["cr-changed"].Creative);
        Assert.Equal(["New", "T"], await db.ReadAsync(
            "SELECT creative->>'title' FROM ad_creatives WHERE ad_id IN ('cr-same', 'cr-changed') ORDER BY ad_id", r => r.GetString(0)));

        async Task<Dictionary<string, (string Ad, string Creative)>> Versions() =>
            (await db.ReadAsync("SELECT id, ads.xmin::text, c.xmin::text FROM ads JOIN ad_creatives c ON ad_id = id WHERE id LIKE 'cr-%'",
                r => (r.GetString(0), r.GetString(1), r.GetString(2)))).ToDictionary(r => r.Item1, r => (r.Item2, r.Item3));
    }

    [Fact]
    public async Task Should_keep_the_creative_a_later_run_stored_when_an_earlier_run_writes_late()
    {
        var started = Now.AddHours(-1);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var later = Ad("late-1", creative: """{"id":"cr1","title":"Later"}""");
        later.RunStartedAt = started;
        var earlier = Ad("late-1", creative: """{"id":"cr1","title":"Earlier"}""");
        earlier.RunStartedAt = started.AddMinutes(-5);

        await EntityUpserts.UpsertAdsAsync(connection, [later], default);
        Assert.Equal(0, await EntityUpserts.UpsertAdsAsync(connection, [earlier], default));

        Assert.Equal(["Later"], await db.ReadAsync("SELECT creative->>'title' FROM ad_creatives WHERE ad_id = 'late-1'", r => r.GetString(0)));
    }

    [Fact]
    public async Task Should_delete_an_ads_creative_with_the_ad_row_only()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await EntityUpserts.UpsertAdsAsync(connection, [Ad("gone-1"), Ad("gone-2")], default);

        await db.ExecuteAsync("UPDATE ads SET removed_at = now() WHERE id = 'gone-1'");
        await db.ExecuteAsync("DELETE FROM ads WHERE id = 'gone-2'");

        Assert.Equal(["gone-1"], await db.ReadAsync("SELECT ad_id FROM ad_creatives WHERE ad_id LIKE 'gone-%'", r => r.GetString(0)));
    }

    [Fact]
    public async Task Should_keep_the_last_of_an_id_listed_twice_in_one_page()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();

        await EntityUpserts.UpsertAdsAsync(connection, [Ad("dup-1"), Ad("dup-1", status: "PAUSED")], default);

        Assert.Equal(["PAUSED"], await db.ReadAsync("SELECT effective_status FROM ads WHERE id = 'dup-1'", r => r.GetString(0)));
    }

    [Fact]
    public async Task Should_store_campaign_and_ad_set_budgets_and_nulls()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();

        await EntityUpserts.UpsertCampaignsAsync(connection, [new Campaign { Id = "camp-1", AccountId = "act_1", DailyBudget = 5000, Objective = "OUTCOME_SALES", SyncedAt = Now }], default);
        await EntityUpserts.UpsertAdSetsAsync(connection, [new AdSet { Id = "set-1", AccountId = "act_1", CampaignId = "camp-1", LifetimeBudget = 90000, SyncedAt = Now }], default);

        Assert.Equal([(5000L, true)], await db.ReadAsync("SELECT daily_budget, lifetime_budget IS NULL FROM campaigns WHERE id = 'camp-1'", r => (r.GetInt64(0), r.GetBoolean(1))));
        Assert.Equal([("camp-1", 90000L)], await db.ReadAsync("SELECT campaign_id, lifetime_budget FROM ad_sets WHERE id = 'set-1'", r => (r.GetString(0), r.GetInt64(1))));
    }

    [Fact]
    public async Task Should_page_stored_entities_by_id_and_remember_when_a_level_was_fully_synced()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await EntityUpserts.UpsertAdsAsync(connection, Enumerable.Range(1, 5).Select(i => Ad($"keyset-{i}", account: "act_keyset")), default);
        await EntityUpserts.MarkLevelSyncedAsync(connection, "act_keyset", EntityLevel.Ad, Now, Guid.NewGuid(), runStartedAt: default, default);

        var first = await EntityUpserts.ReadPageAsync(connection, "act_keyset", EntityLevel.Ad, null, 3, default);
        var second = await EntityUpserts.ReadPageAsync(connection, "act_keyset", EntityLevel.Ad, first[^1].Id, 3, default);

        Assert.Equal(["keyset-1", "keyset-2", "keyset-3"], first.Select(e => e.Id));
        Assert.Equal(["keyset-4", "keyset-5"], second.Select(e => e.Id));
        Assert.Equal(Now, await EntityUpserts.LastFullSyncAsync(connection, "act_keyset", EntityLevel.Ad, default));
        Assert.Null(await EntityUpserts.LastFullSyncAsync(connection, "act_keyset", EntityLevel.Campaign, default));
    }
}
