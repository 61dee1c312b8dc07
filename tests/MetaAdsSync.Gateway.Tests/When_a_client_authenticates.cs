using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MetaAdsSync.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

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
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    public static TheoryData<string, string[]> HostileHeaders => new()
    {
        // header, values
        { "X-Api-Key", [GatewayFixture.ApiKey, GatewayFixture.SecondKey] },
        { "X-Api-Key", [new string('k', 100_000)] },
        { "X-Api-Key", ["k\u00e9y-with-latin1-\u00ff-0123456789"] },
        { "X-Api-Key", [GatewayFixture.ApiKey[..^1]] },
        { "X-Api-Key", [Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(GatewayFixture.HashedKey)))] },
        { "Authorization", ["Bearer"] },
        { "Authorization", ["Bearer "] },
        { "Authorization", ["Bearer " + GatewayFixture.ApiKey + " " + GatewayFixture.ApiKey] },
        { "Authorization", ["Bearer " + GatewayFixture.ApiKey, "Bearer " + GatewayFixture.ApiKey] },
        { "Authorization", ["Bearer " + new string('b', 100_000)] },
        { "Authorization", [GatewayFixture.ApiKey] },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public async Task Should_answer_a_malformed_or_oversized_key_with_a_401_problem(string header, string[] values)
    {
        using var client = gateway.Client(authenticated: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/meta-ads/sync") { Content = JsonContent.Create(new { accountId = "all" }) };
        Assert.True(request.Headers.TryAddWithoutValidation(header, values));
        var before = gateway.PublishedSyncRequests;

        using var response = await client.SendAsync(request);

        await When_a_request_is_bad.AssertProblem(response, 401);
        Assert.Equal(before, gateway.PublishedSyncRequests);
    }

    [Theory]
    [InlineData(GatewayFixture.ApiKey)]
    [InlineData(GatewayFixture.SecondKey)]
    [InlineData(GatewayFixture.HashedKey)]
    [InlineData(GatewayFixture.ScopedKey)]
    public async Task Should_accept_each_configured_key_as_a_bearer_token_or_as_x_api_key(string key)
    {
        using var bearer = GatewayFixture.Client(gateway.Factory, key);
        using var header = gateway.Client(authenticated: false);
        header.DefaultRequestHeaders.Add("X-Api-Key", key);

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
    public async Task Should_keep_health_open_and_metrics_behind_a_key_of_all_accounts()
    {
        using var anonymous = gateway.Client(authenticated: false);
        using var scoped = GatewayFixture.Client(gateway.Factory, GatewayFixture.ScopedKey);
        using var ops = gateway.Client();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health/live")).StatusCode);
        await When_a_request_is_bad.AssertProblem(await anonymous.GetAsync("metrics"), 401);
        await When_a_request_is_bad.AssertProblem(await scoped.GetAsync("metrics"), 401);
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("metrics")).StatusCode);
    }

    [Fact]
    public async Task Should_open_metrics_where_the_settings_say_so()
    {
        await using var open = gateway.CreateFactory(gateway.Settings(new Dictionary<string, string> { ["Gateway__MetricsAnonymous"] = "true" }));
        using var anonymous = open.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("metrics")).StatusCode);
    }

    [Theory]
    [InlineData("Gateway__ApiKeys__4__Key", "no-id-api-key-0123456789", "Gateway:ApiKeys:4:Id")]
    [InlineData("Gateway__ApiKeys__4__Id", "no-key", "Gateway:ApiKeys:4: set exactly one of Key and Sha256")]
    public async Task Should_refuse_to_start_with_a_key_in_another_shape_and_name_the_shape(string setting, string value, string message)
    {
        await using var bad = gateway.CreateFactory(gateway.Settings(new Dictionary<string, string> { [setting] = value }));

        var refused = Assert.ThrowsAny<Exception>(() => bad.CreateClient());

        Assert.Contains(message, refused.ToString(), StringComparison.Ordinal);
        Assert.Contains("Gateway__ApiKeys__0__Id=ops", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_log_the_key_id_in_the_request_scope_and_never_a_key()
    {
        var logs = new LogCapture();
        await using var logged = gateway.CreateFactory(
            gateway.Settings(new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Debug", ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug" }),
            web => web.ConfigureLogging(l => l.AddProvider(logs)));
        using var second = GatewayFixture.Client(logged, GatewayFixture.SecondKey);
        using var wrong = GatewayFixture.Client(logged, GatewayFixture.HashedKey + "-wrong");

        Assert.Equal(HttpStatusCode.OK, (await second.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("api/accounts")).StatusCode);

        Assert.Contains(logs.Lines, l => l.Contains("ApiKey:second", StringComparison.Ordinal));
        Assert.DoesNotContain(GatewayFixture.SecondKey, logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayFixture.HashedKey, logs.All, StringComparison.Ordinal);
    }
}
