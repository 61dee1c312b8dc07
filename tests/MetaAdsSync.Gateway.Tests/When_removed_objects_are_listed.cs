using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace MetaAdsSync.Gateway.Tests;

/// <summary>Objects Meta no longer returns stay stored: the API lists live ones by default, removed ones on request, and counts live ones only.</summary>
[Collection(GatewayCollection.Name)]
public class When_removed_objects_are_listed(GatewayFixture gateway)
{
    const string BuyT = "act_233871190056412";

    [Fact]
    public async Task Should_list_live_objects_by_default_removed_ones_with_include_removed_and_count_only_live_ones()
    {
        using var client = gateway.Client();
        await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" });
        await using (var connection = new NpgsqlConnection(gateway.Postgres))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"""
                INSERT INTO ads (id, account_id, name, status, effective_status, synced_at, removed_at, removed_reason) VALUES
                  ('7001', '{BuyT}', 'Live', 'ACTIVE', 'ACTIVE', now(), NULL, NULL),
                  ('7002', '{BuyT}', 'Deleted', 'ACTIVE', 'DELETED', now(), '2026-12-01T10:00:00Z', 'DELETED'),
                  ('7003', '{BuyT}', 'Archived, reason not known yet', 'ACTIVE', 'ACTIVE', now(), '2026-12-02T10:00:00Z', NULL),
                  ('7004', '{BuyT}', 'Paused', 'PAUSED', 'PAUSED', now(), NULL, NULL);
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        var live = await client.GetFromJsonAsync<JsonElement>($"api/accounts/{BuyT}/ads");
        var all = await client.GetFromJsonAsync<JsonElement>($"api/accounts/{BuyT}/ads?include=removed");
        var removedActive = await client.GetFromJsonAsync<JsonElement>($"api/accounts/{BuyT}/ads?include=removed&status=ACTIVE");
        var accounts = await client.GetFromJsonAsync<JsonElement>("api/accounts");

        Assert.Equal(["7001", "7004"], Ids(live));
        Assert.All(live.GetProperty("data").EnumerateArray(), e => Assert.Equal(JsonValueKind.Null, e.GetProperty("removedAt").ValueKind));
        Assert.Equal(["7001", "7002", "7003", "7004"], Ids(all));
        var deleted = all.GetProperty("data")[1];
        Assert.Equal((new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), "DELETED"),
            (deleted.GetProperty("removedAt").GetDateTimeOffset(), deleted.GetProperty("removedReason").GetString()));
        Assert.Equal(JsonValueKind.Null, all.GetProperty("data")[2].GetProperty("removedReason").ValueKind);
        Assert.Equal(["7001", "7003"], Ids(removedActive));
        var counts = accounts.EnumerateArray().Single(a => a.GetProperty("accountId").GetString() == BuyT).GetProperty("counts");
        Assert.Equal((2, 1), (counts.GetProperty("ads").GetInt64(), counts.GetProperty("eligible").GetInt64()));
    }

    static List<string?> Ids(JsonElement page) => page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
}
