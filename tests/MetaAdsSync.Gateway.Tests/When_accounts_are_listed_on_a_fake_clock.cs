using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace MetaAdsSync.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class When_accounts_are_listed_on_a_fake_clock(GatewayFixture gateway)
{
    static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Should_label_each_account_by_the_time_since_its_last_sync()
    {
        var clock = new FakeTimeProvider(Now);
        await using var factory = gateway.CreateFactory(gateway.Settings()).WithWebHostBuilder(web =>
            web.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.ApiKey);
        await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" });
        var ages = new Dictionary<string, TimeSpan?>
        {
            ["act_697495618573979"] = TimeSpan.FromSeconds(59),
            ["act_310264958871203"] = TimeSpan.FromSeconds(60),
            ["act_518830041276654"] = TimeSpan.FromMinutes(59),
            ["act_129574403318862"] = TimeSpan.FromMinutes(60),
            ["act_884102937465120"] = TimeSpan.FromHours(23),
            ["act_402958817730045"] = TimeSpan.FromHours(24),
            ["act_371182654490023"] = null,
        };
        await using (var connection = new NpgsqlConnection(gateway.Postgres))
        {
            await connection.OpenAsync();
            foreach (var (account, age) in ages)
            {
                await using var command = new NpgsqlCommand("UPDATE ad_accounts SET last_synced_at = @at WHERE id = @id", connection);
                command.Parameters.AddWithValue("at", age is null ? DBNull.Value : Now - age.Value);
                command.Parameters.AddWithValue("id", account);
                await command.ExecuteNonQueryAsync();
            }
        }

        var accounts = await client.GetFromJsonAsync<JsonElement>("api/accounts");

        var labels = accounts.EnumerateArray().ToDictionary(a => a.GetProperty("accountId").GetString()!, a => a.GetProperty("staleness").GetString());
        Assert.Equal(
            ["Just now", "1m ago", "59m ago", "1h ago", "23h ago", "1d ago", "Never synced"],
            ages.Keys.Select(k => labels[k]));
    }
}
