using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace MetaAdsSync.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class When_a_sync_is_requested_through_the_api(GatewayFixture gateway)
{
    const string Quoterite = "act_690318472205596";
    const string Deckmasters = "act_967045528830171";

    [Fact]
    public async Task Should_return_the_refreshed_accounts_list_when_no_account_is_named()
    {
        using var client = gateway.Client();

        using var response = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("accountsOnly").GetBoolean());
        Assert.True(body.GetProperty("accountsRefreshed").GetBoolean());
        var accounts = body.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal(12, accounts.Count);
        Assert.Contains(accounts, a => a.GetProperty("name").GetString() == "2EZi" && a.GetProperty("currency").GetString() == "AUD");
    }

    [Fact]
    public async Task Should_accept_then_join_then_refuse_another_preset_and_show_the_running_sync()
    {
        using var client = gateway.Client();

        using var first = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Quoterite, datePreset = "last_7d" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var accepted = await first.Content.ReadFromJsonAsync<JsonElement>();
        var syncId = accepted.GetProperty("syncId").GetGuid();
        Assert.Equal($"/api/syncs/{syncId}", first.Headers.Location?.ToString());
        Assert.False(accepted.GetProperty("deduplicated").GetBoolean());

        using var again = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Quoterite });
        var joined = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((syncId, true), (joined.GetProperty("syncId").GetGuid(), joined.GetProperty("deduplicated").GetBoolean()));

        using var other = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Quoterite, datePreset = "last_30d" });
        var conflict = await When_a_request_is_bad.AssertProblem(other, 409);
        Assert.Equal(syncId, conflict.GetProperty("runningSyncId").GetGuid());

        var run = await client.GetFromJsonAsync<JsonElement>($"api/syncs/{syncId}");
        Assert.Equal((Quoterite, "last_7d", "Manual", "Running"),
            (run.GetProperty("accountId").GetString(), run.GetProperty("datePreset").GetString(), run.GetProperty("trigger").GetString(), run.GetProperty("status").GetString()));

        foreach (var filter in new[] { "status=Running", "state=Running", "state=FetchingEntities", "state=FetchingInsights" })
        {
            var listed = await client.GetFromJsonAsync<JsonElement>($"api/syncs?accountId={Quoterite}&{filter}");
            Assert.Equal(syncId, Assert.Single(listed.EnumerateArray()).GetProperty("syncId").GetGuid());
        }

        Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"api/syncs?accountId={Quoterite}&status=Completed")).EnumerateArray());

        var accounts = await client.GetFromJsonAsync<JsonElement>("api/accounts");
        var quoterite = accounts.EnumerateArray().Single(a => a.GetProperty("accountId").GetString() == Quoterite);
        Assert.Equal(syncId, quoterite.GetProperty("running").GetGuid());
        Assert.Equal("Never synced", quoterite.GetProperty("staleness").GetString());
    }

    [Fact]
    public async Task Should_page_stored_entities_with_their_latest_insights()
    {
        using var client = gateway.Client();
        await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" });
        await Seed($"""
            INSERT INTO campaigns (id, account_id, name, status, effective_status, synced_at) VALUES
              ('9001', '{Deckmasters}', 'Één', 'ACTIVE', 'ACTIVE', now()),
              ('9002', '{Deckmasters}', 'Two', 'PAUSED', 'PAUSED', now()),
              ('9003', '{Deckmasters}', 'Three', 'ACTIVE', 'ACTIVE', now());
            INSERT INTO insights (account_id, level, entity_id, date_preset, date_start, date_stop, spend, impressions, clicks, ctr, fetched_at) VALUES
              ('{Deckmasters}', 'campaign', '9001', 'last_7d', '2026-11-01', '2026-11-07', 10.5, 1000, 10, 1.0, now()),
              ('{Deckmasters}', 'campaign', '9001', 'last_7d', '2026-11-08', '2026-11-14', 20.25, 2000, 30, 1.5, now()),
              ('{Deckmasters}', 'campaign', '9003', 'last_30d', '2026-10-16', '2026-11-14', 99, 9, 9, 1, now());
            """);

        var first = await client.GetFromJsonAsync<JsonElement>($"api/accounts/{Deckmasters}/campaigns?status=ACTIVE&limit=1");
        var page = Assert.Single(first.GetProperty("data").EnumerateArray());
        Assert.Equal(("9001", "Één"), (page.GetProperty("id").GetString(), page.GetProperty("name").GetString()));
        Assert.Equal(20.25m, page.GetProperty("insights").GetProperty("spend").GetDecimal());
        Assert.Equal("9001", first.GetProperty("after").GetString());

        var second = await client.GetFromJsonAsync<JsonElement>($"api/accounts/{Deckmasters}/campaigns?status=ACTIVE&limit=1&after=9001");
        var next = Assert.Single(second.GetProperty("data").EnumerateArray());
        Assert.Equal("9003", next.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, next.GetProperty("insights").ValueKind);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("after").ValueKind);
    }

    [Fact]
    public async Task Should_serve_the_openapi_document_and_health()
    {
        using var client = gateway.Client(authenticated: false);

        var document = await client.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/meta-ads/sync", "/api/syncs/{syncId}", "/api/syncs", "/api/accounts", "/api/cron/sync-stale-accounts" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/ready")).StatusCode);
    }

    async Task Seed(string sql)
    {
        await using var connection = new NpgsqlConnection(gateway.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
