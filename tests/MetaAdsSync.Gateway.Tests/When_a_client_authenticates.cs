using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MetaAdsSync.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class When_a_client_authenticates(GatewayFixture gateway)
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("Bearer", "wrong-key-0123456789")]
    [InlineData("Basic", GatewayFixture.ApiKey)]
    [InlineData("Bearer", GatewayFixture.CronSecret)]
    public async Task Should_refuse_a_missing_or_wrong_key(string? scheme, string? key)
    {
        using var client = gateway.Client(authenticated: false);
        if (scheme is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, key);
        }

        using var response = await client.GetAsync("api/accounts");

        await When_a_request_is_bad.AssertProblem(response, 401);
    }

    [Fact]
    public async Task Should_accept_the_key_as_a_bearer_token_or_as_x_api_key()
    {
        using var bearer = gateway.Client();
        using var header = gateway.Client(authenticated: false);
        header.DefaultRequestHeaders.Add("X-Api-Key", GatewayFixture.ApiKey);

        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("api/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await header.GetAsync("api/accounts")).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-secret-0123456789")]
    [InlineData(GatewayFixture.ApiKey)]
    public async Task Should_refuse_the_cron_sweep_without_the_cron_secret(string? secret)
    {
        using var client = gateway.Client(authenticated: false);
        if (secret is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        using var response = await client.PostAsync("api/cron/sync-stale-accounts", null);

        await When_a_request_is_bad.AssertProblem(response, 401);
    }

    [Fact]
    public async Task Should_run_a_sweep_with_the_cron_secret_and_say_what_it_requested()
    {
        using var api = gateway.Client();
        await api.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" });
        using var cron = gateway.Client(authenticated: false);
        cron.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.CronSecret);

        using var response = await cron.PostAsync("api/cron/sync-stale-accounts", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var requested = body.GetProperty("requested").EnumerateArray().ToList();
        Assert.Equal(3, requested.Count);
        Assert.All(requested, r => Assert.StartsWith("act_", r.GetProperty("accountId").GetString()));
    }

    [Fact]
    public async Task Should_cap_sync_requests_per_key_with_a_problem()
    {
        await using var limited = gateway.CreateFactory(gateway.Settings(new Dictionary<string, string> { ["Gateway__SyncRequestsPerMinute"] = "2" }));
        using var client = limited.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.ApiKey);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);
        }

        using var third = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" });
        await When_a_request_is_bad.AssertProblem(third, 429);
    }
}
