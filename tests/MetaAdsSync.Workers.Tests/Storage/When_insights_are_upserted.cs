using MetaAdsSync.Storage.Entities;
using MetaAdsSync.Storage.Upserts;

namespace MetaAdsSync.Workers.Tests.Storage;

public class When_insights_are_upserted(MigratedDatabase db) : IClassFixture<MigratedDatabase>
{
    static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    static Insight Row(string entity, long impressions, string preset = "last_7d") => new()
    {
        AccountId = "act_1", Level = "ad", EntityId = entity, DatePreset = preset,
        DateStart = new DateOnly(2026, 11, 22), DateStop = new DateOnly(2026, 11, 28),
        Impressions = impressions, Spend = 12.34m, Ctr = 1.251234m, Actions = """[{"action_type":"link_click","value":"4"}]""", FetchedAt = Now,
    };

    [Fact]
    public async Task Should_keep_one_row_per_key_and_take_the_newest_metrics()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();

        await InsightUpserts.UpsertAsync(connection, [Row("i-1", 10), Row("i-2", 20)], default);
        await InsightUpserts.UpsertAsync(connection, [Row("i-1", 11), Row("i-2", 20), Row("i-1", 12, preset: "last_30d")], default);

        var rows = await db.ReadAsync("SELECT entity_id, date_preset, impressions, spend, actions->0->>'action_type' FROM insights WHERE entity_id LIKE 'i-%' ORDER BY 1, 2",
            r => (r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetDecimal(3), r.GetString(4)));
        Assert.Equal([("i-1", "last_30d", 12L, 12.34m, "link_click"), ("i-1", "last_7d", 11L, 12.34m, "link_click"), ("i-2", "last_7d", 20L, 12.34m, "link_click")], rows);
    }

    [Fact]
    public async Task Should_tell_which_entities_were_asked_recently_rows_or_not()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await InsightUpserts.RecordFetchesAsync(connection, "act_1", "ad", ["f-1", "f-2"], "last_7d", Now.AddMinutes(-90), Guid.NewGuid(), default);
        await InsightUpserts.RecordFetchesAsync(connection, "act_1", "ad", ["f-2", "f-3"], "last_7d", Now.AddMinutes(-10), Guid.NewGuid(), default);

        var fresh = await InsightUpserts.FetchedSinceAsync(connection, "ad", ["f-1", "f-2", "f-3", "f-4"], "last_7d", Now.AddHours(-1), default);
        var otherPreset = await InsightUpserts.FetchedSinceAsync(connection, "ad", ["f-1", "f-2", "f-3"], "last_30d", Now.AddHours(-1), default);

        Assert.Equal(["f-2", "f-3"], fresh.Order());
        Assert.Empty(otherPreset);
    }
}
