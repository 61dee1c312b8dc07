using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace MetaAdsSync.Gateway.Tests;

/// <summary>The daily rows through the API: one entity's days, a level's sums per day, checked input, scoped keys.</summary>
[Collection(GatewayCollection.Name)]
public class When_daily_insights_are_read(GatewayFixture gateway)
{
    const string Account = "act_697495618573979";
    /// <summary>Outside the scoped key's list.</summary>
    const string Other = "act_145509863327784";

    [Fact]
    public async Task Should_answer_an_entitys_stored_days_and_a_levels_sum_for_every_day_of_the_range()
    {
        using var api = await ReadyAsync();
        await StoreAsync(Account, "campaign", "9001", new DateOnly(2026, 1, 1), 100, 5, 1.25m);
        await StoreAsync(Account, "campaign", "9001", new DateOnly(2026, 1, 2), 200, 7, 2.50m);
        await StoreAsync(Account, "campaign", "9002", new DateOnly(2026, 1, 2), 50, 1, 0.75m);
        await StoreAsync(Account, "adset", "9003", new DateOnly(2026, 1, 2), 999, 99, 9.99m);

        var days = await api.GetFromJsonAsync<JsonElement>($"api/accounts/{Account}/insights/daily?level=campaign&entityId=9001&since=2026-01-01&until=2026-01-03");
        var totals = await api.GetFromJsonAsync<JsonElement>($"api/accounts/{Account}/insights/daily/totals?since=2026-01-01&until=2026-01-03");

        Assert.Equal(("daily", "9001", "2026-01-01", "2026-01-03"), (Text(days, "kind"), Text(days, "entityId"), Text(days, "since"), Text(days, "until")));
        Assert.Equal([("2026-01-01", 100L, 1.25m), ("2026-01-02", 200L, 2.50m)], days.GetProperty("days").EnumerateArray()
            .Select(d => (Text(d, "date"), d.GetProperty("impressions").GetInt64(), d.GetProperty("spend").GetDecimal())));
        Assert.Equal("link_click", days.GetProperty("days")[0].GetProperty("actions")[0].GetProperty("action_type").GetString());
        Assert.Equal(("daily", "campaign"), (Text(totals, "kind"), Text(totals, "level")));
        Assert.Equal([("2026-01-01", 100L, 5L, 1.25m, 1), ("2026-01-02", 250L, 8L, 3.25m, 2), ("2026-01-03", 0L, 0L, 0m, 0)], totals.GetProperty("days").EnumerateArray()
            .Select(d => (Text(d, "date"), d.GetProperty("impressions").GetInt64(), d.GetProperty("clicks").GetInt64(), d.GetProperty("spend").GetDecimal(), d.GetProperty("entities").GetInt32())));
    }

    [Fact]
    public async Task Should_default_to_the_last_28_days_up_to_the_accounts_today()
    {
        using var api = await ReadyAsync();

        var totals = await api.GetFromJsonAsync<JsonElement>($"api/accounts/{Account}/insights/daily/totals");

        var until = DateOnly.Parse(Text(totals, "until")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(28, totals.GetProperty("days").GetArrayLength());
        Assert.InRange(until.DayNumber - DateOnly.FromDateTime(DateTime.UtcNow).DayNumber, -1, 1);
        Assert.NotNull(Text(totals, "timezone"));
    }

    public static TheoryData<string, int, string?> BadQueries => new()
    {
        { "api/accounts/act_x/insights/daily/totals", 400, "accountId" },
        { $"api/accounts/{Account}/insights/daily/totals?level=account", 400, "level" },
        { $"api/accounts/{Account}/insights/daily?level=campaign", 400, "entityId" },
        { $"api/accounts/{Account}/insights/daily?entityId=12a", 400, "entityId" },
        { $"api/accounts/{Account}/insights/daily/totals?since=2026-13-01", 400, "since" },
        { $"api/accounts/{Account}/insights/daily/totals?until=yesterday", 400, "until" },
        { $"api/accounts/{Account}/insights/daily/totals?since=2026-02-01&until=2026-01-01", 400, "since" },
        { $"api/accounts/{Account}/insights/daily/totals?since=2025-01-01&until=2026-02-05", 400, "until" },
        { "api/accounts/act_404/insights/daily/totals", 404, null },
        { $"api/accounts/{Account}/insights/daily?entityId=404404", 404, null },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Should_answer_a_problem_naming_what_is_wrong(string url, int status, string? field)
    {
        using var api = await ReadyAsync();

        var problem = await When_a_request_is_bad.AssertProblem(await api.GetAsync(url), status);

        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Should_answer_another_accounts_days_to_a_scoped_key_as_if_it_did_not_exist()
    {
        using var api = await ReadyAsync();
        await StoreAsync(Other, "campaign", "9101", new DateOnly(2026, 1, 1), 1, 1, 1m);
        using var scoped = GatewayFixture.Client(gateway.Factory, GatewayFixture.ScopedKey);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"api/accounts/{Other}/insights/daily?entityId=9101")).StatusCode);
        await When_a_request_is_bad.AssertProblem(await scoped.GetAsync($"api/accounts/{Other}/insights/daily?entityId=9101"), 404);
        await When_a_request_is_bad.AssertProblem(await scoped.GetAsync($"api/accounts/{Other}/insights/daily/totals"), 404);
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"api/accounts/{Account}/insights/daily/totals")).StatusCode);
    }

    /// <summary>A client of a key of all accounts, once the accounts list is stored.</summary>
    async Task<HttpClient> ReadyAsync()
    {
        var api = gateway.Client();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);
        return api;
    }

    async Task StoreAsync(string account, string level, string entity, DateOnly date, long impressions, long clicks, decimal spend)
    {
        await using var connection = new NpgsqlConnection(gateway.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO daily_insights (account_id, level, entity_id, date, impressions, clicks, spend, actions, fetched_at)
            VALUES (@a, @l, @e, @d, @i, @c, @s, '[{"action_type":"link_click","value":"3"}]', now())
            ON CONFLICT (account_id, level, entity_id, date) DO UPDATE SET impressions = excluded.impressions, clicks = excluded.clicks, spend = excluded.spend
            """, connection);
        command.Parameters.AddWithValue("a", account);
        command.Parameters.AddWithValue("l", level);
        command.Parameters.AddWithValue("e", entity);
        command.Parameters.AddWithValue("d", date);
        command.Parameters.AddWithValue("i", impressions);
        command.Parameters.AddWithValue("c", clicks);
        command.Parameters.AddWithValue("s", spend);
        await command.ExecuteNonQueryAsync();
    }

    static string? Text(JsonElement e, string name) => e.GetProperty(name).GetString();
}
