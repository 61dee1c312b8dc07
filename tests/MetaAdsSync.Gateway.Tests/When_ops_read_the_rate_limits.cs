using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MetaAdsSync.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class When_ops_read_the_rate_limits(GatewayFixture gateway)
{
    [Fact]
    public async Task Should_show_the_key_of_the_accounts_refresh_after_a_graph_call()
    {
        using var client = gateway.Client();
        (await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).EnsureSuccessStatusCode();

        using var response = await client.GetAsync("api/ratelimits");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var app = body.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("key").GetString() == "app");
        Assert.Equal(0, app.GetProperty("inFlight").GetInt32());
        Assert.True(app.GetProperty("allowedConcurrency").GetInt32() >= 1);
        Assert.True(app.GetProperty("windowUsed").GetInt32() >= 1);
        Assert.Equal(JsonValueKind.Null, app.GetProperty("blockedUntil").ValueKind);
        Assert.True(app.TryGetProperty("usagePercent", out _));
    }

    [Fact]
    public async Task Should_refuse_a_client_without_the_api_key_with_a_problem()
    {
        using var client = gateway.Client(authenticated: false);

        using var response = await client.GetAsync("api/ratelimits");

        await When_a_request_is_bad.AssertProblem(response, 401);
    }
}
