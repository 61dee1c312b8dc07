using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MetaAdsSync.Gateway.Tests;

/// <summary>A key for a list of ad accounts sees those in every list and answers for any other as for one that does not exist.</summary>
[Collection(GatewayCollection.Name)]
public class When_a_key_is_scoped_to_accounts(GatewayFixture gateway)
{
    /// <summary>Outside the scoped key's list; not named by any other test here.</summary>
    const string Other = "act_145509863327784";

    [Fact]
    public async Task Should_list_only_its_accounts()
    {
        using var scoped = await ScopedAsync();

        var accounts = await scoped.GetFromJsonAsync<JsonElement>("api/accounts");
        using var all = await scoped.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" });
        var refreshed = (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accounts");

        Assert.Equal(GatewayFixture.ScopedAccounts.Order(), Ids(accounts).Order());
        Assert.Equal(GatewayFixture.ScopedAccounts.Order(), Ids(refreshed).Order());
    }

    [Fact]
    public async Task Should_answer_another_accounts_entities_and_sync_as_if_it_did_not_exist()
    {
        using var scoped = await ScopedAsync();
        var before = gateway.PublishedSyncRequests;

        var hidden = await When_a_request_is_bad.AssertProblem(await scoped.GetAsync($"api/accounts/{Other}/campaigns"), 404);
        var missing = await When_a_request_is_bad.AssertProblem(await scoped.GetAsync("api/accounts/act_404/campaigns"), 404);
        var hiddenSync = await When_a_request_is_bad.AssertProblem(await scoped.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Other }), 404);
        var missingSync = await When_a_request_is_bad.AssertProblem(await scoped.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "act_404" }), 404);

        Assert.Equal(Detail(missing).Replace("act_404", Other, StringComparison.Ordinal), Detail(hidden));
        Assert.Equal(Detail(missingSync).Replace("act_404", Other, StringComparison.Ordinal), Detail(hiddenSync));
        Assert.Equal(before, gateway.PublishedSyncRequests);
    }

    [Fact]
    public async Task Should_see_only_its_accounts_runs_and_rate_gate_keys()
    {
        using var api = gateway.Client();
        using var other = await api.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Other });
        var otherRun = (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("syncId").GetGuid();
        using var scoped = await ScopedAsync();

        await When_a_request_is_bad.AssertProblem(await scoped.GetAsync($"api/syncs/{otherRun}"), 404);
        await When_a_request_is_bad.AssertProblem(await scoped.GetAsync($"api/syncs/{otherRun}/events"), 404);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"api/syncs/{otherRun}")).StatusCode);
        var runs = await scoped.GetFromJsonAsync<JsonElement>("api/syncs?limit=500");
        Assert.All(runs.EnumerateArray(), r => Assert.Contains(r.GetProperty("accountId").GetString(), GatewayFixture.ScopedAccounts));
        Assert.Empty((await scoped.GetFromJsonAsync<JsonElement>($"api/syncs?accountId={Other}")).EnumerateArray());
        var keys = (await scoped.GetFromJsonAsync<JsonElement>("api/ratelimits")).GetProperty("keys");
        Assert.All(keys.EnumerateArray(), k => Assert.True(
            k.GetProperty("accountId").ValueKind == JsonValueKind.Null || GatewayFixture.ScopedAccounts.Contains(k.GetProperty("accountId").GetString()),
            k.ToString()));
    }

    /// <summary>A client of the scoped key, once the accounts list holds every account (refreshed by a key of all of them).</summary>
    async Task<HttpClient> ScopedAsync()
    {
        using var api = gateway.Client();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);
        return GatewayFixture.Client(gateway.Factory, GatewayFixture.ScopedKey);
    }

    static IEnumerable<string> Ids(JsonElement accounts) => accounts.EnumerateArray().Select(a => a.GetProperty("accountId").GetString()!);

    static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString()!;
}
