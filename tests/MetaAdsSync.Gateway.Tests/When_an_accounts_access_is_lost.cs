using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MetaAdsSync.Contracts;

namespace MetaAdsSync.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class When_an_accounts_access_is_lost(GatewayFixture gateway)
{
    const string Account = "act_233871190056412";

    [Fact]
    public async Task Should_list_it_greyed_refuse_its_sync_with_409_and_publish_nothing_until_the_list_names_it_again()
    {
        using var client = gateway.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);
        gateway.Simulator.RevokeAccess(Account);
        try
        {
            // The refresh no longer lists it: marked, announced once however often the list is read.
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);
            var access = await AccessAsync(client);
            Assert.False(access.GetProperty("accessible").GetBoolean());
            Assert.Contains("me/adaccounts", access.GetProperty("reason").GetString());
            Assert.NotEqual(JsonValueKind.Null, access.GetProperty("since").ValueKind);
            Assert.Single(gateway.Published.OfType<AccountAccessLost>(), m => m.AccountId == Account);

            // Other tests of this fixture may have left a scheduled run of the account behind: none may be added.
            var before = gateway.PublishedSyncRequests;
            var runningBefore = await RunningAsync(client);
            using var refused = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Account, force = true });

            var problem = await When_a_request_is_bad.AssertProblem(refused, 409);
            Assert.Contains("can no longer read", problem.GetProperty("detail").GetString());
            Assert.Equal(Account, problem.GetProperty("accountId").GetString());
            Assert.Equal(before, gateway.PublishedSyncRequests);
            Assert.Equal(runningBefore, await RunningAsync(client));
        }
        finally
        {
            gateway.Simulator.RestoreAccess(Account);
        }

        // Listed again: the request's own refresh makes it accessible, and the sync starts.
        using var accepted = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Account });

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.True((await AccessAsync(client)).GetProperty("accessible").GetBoolean());
        Assert.Single(gateway.Published.OfType<AccountAccessRestored>(), m => m.AccountId == Account);
    }

    static async Task<List<string?>> RunningAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>($"api/syncs?accountId={Account}&status=Running")).EnumerateArray()
            .Select(r => r.GetProperty("syncId").GetString()).Order().ToList();

    async Task<JsonElement> AccessAsync(HttpClient client)
    {
        var accounts = await client.GetFromJsonAsync<JsonElement>("api/accounts");
        return accounts.EnumerateArray().Single(a => a.GetProperty("accountId").GetString() == Account).GetProperty("access");
    }
}
