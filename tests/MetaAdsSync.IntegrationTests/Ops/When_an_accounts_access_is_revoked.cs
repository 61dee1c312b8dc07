using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static MetaAdsSync.IntegrationTests.Ops.Dashboard;

namespace MetaAdsSync.IntegrationTests.Ops;

/// <summary>
/// Issue 18 on the whole running system and the simulator: a re-sync within Sync:EntityMaxAge keeps the first read's
/// time; access revoked, the account's own edges refuse the token and it is marked (run failed with a plain cause),
/// refused with 409 and greyed in the dashboard; access restored, it is listed and synced again.
/// </summary>
[Collection(ObservedSystemCollection.Name)]
public class When_an_accounts_access_is_revoked(ObservedSystem observed, ITestOutputHelper output)
{
    const string DynamicCode = "act_884102937465120";
    static readonly TimeSpan RunPatience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Should_mark_it_refuse_it_grey_it_out_and_sync_it_again_once_restored()
    {
        var system = observed.System;

        // Read from Meta, then answered from PostgreSQL: last_synced_at stays the first read's time.
        var first = await system.WaitForEnd(await SyncId(system.RequestSync(DynamicCode, force: true)), RunPatience);
        Assert.Equal("Completed", first.GetProperty("status").GetString());
        Assert.Equal(["Campaign", "AdSet", "Ad"], Strings(first.GetProperty("levelsRead")));
        var readAt = (await AccountAsync()).GetProperty("lastSyncedAt").GetDateTimeOffset();
        var replay = await system.WaitForEnd(await SyncId(system.RequestSync(DynamicCode)), RunPatience);
        Assert.Equal("Completed", replay.GetProperty("status").GetString());
        Assert.Empty(replay.GetProperty("levelsRead").EnumerateArray());
        var reused = replay.GetProperty("levelsReused").EnumerateArray().ToList();
        Assert.Equal(3, reused.Count);
        var oldest = reused.Min(r => r.GetProperty("readAt").GetDateTimeOffset());
        Assert.True(oldest <= readAt, $"a reused level was read at {oldest}, after the first run's stamp {readAt}");
        Assert.Equal(oldest, (await AccountAsync()).GetProperty("lastSyncedAt").GetDateTimeOffset());

        observed.System.Simulator.RevokeAccess(DynamicCode);
        try
        {
            // Recorded as readable, so the forced sync starts; the account's edges answer 100/33 and it is marked.
            var failed = await system.WaitForEnd(await SyncId(system.RequestSync(DynamicCode, force: true)), RunPatience);
            Assert.Equal(("Failed", "NotFound"), (failed.GetProperty("status").GetString(), failed.GetProperty("errorKind").GetString()));
            var call = failed.GetProperty("errorDetail").GetProperty("call").GetString();
            Assert.Contains(DynamicCode, call);
            Assert.DoesNotContain(system.Simulator.AccessToken, call);
            var access = (await AccountAsync()).GetProperty("access");
            Assert.False(access.GetProperty("accessible").GetBoolean());

            using var refused = await system.Api.PostAsJsonAsync("api/meta-ads/sync", new { accountId = DynamicCode });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("can no longer read", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

            await using var dashboard = await OpenAsync(system.Gateway.BaseAddress, output);
            var account = dashboard.Account(DynamicCode);
            await Expect(account).ToHaveAttributeAsync("data-accessible", "false");
            await Expect(account).ToHaveClassAsync("inaccessible");
            await Expect(account.Locator("[data-access-reason]")).ToContainTextAsync("No access:");
            Assert.Equal("0.55", await account.EvaluateAsync<string>("b => getComputedStyle(b).opacity"));
            await account.ClickAsync();
            await Expect(dashboard.Page.Locator("#account-access")).ToContainTextAsync("can no longer read this account");
            await Expect(dashboard.Page.Locator("#account-access")).Not.ToContainTextAsync("null");
            await Expect(dashboard.Page.GetByRole(AriaRole.Button, new() { Name = "Sync now" })).ToBeDisabledAsync();
            var cause = dashboard.Page.Locator("#account-access details.cause");
            await Expect(cause.Locator("summary")).ToHaveTextAsync("Not found");
            await cause.Locator("summary").ClickAsync();
            await Expect(cause.Locator("code")).ToContainTextAsync(DynamicCode);
            await dashboard.ScreenshotAsync("access-lost-1280x800");
        }
        finally
        {
            observed.System.Simulator.RestoreAccess(DynamicCode);
        }

        // Listed again: the request's refresh makes it readable, and it syncs.
        var again = await system.WaitForEnd(await SyncId(system.RequestSync(DynamicCode, force: true)), RunPatience);
        Assert.Equal("Completed", again.GetProperty("status").GetString());
        Assert.True((await AccountAsync()).GetProperty("access").GetProperty("accessible").GetBoolean());
    }

    static async Task<Guid> SyncId(Task<JsonElement> accepted) => (await accepted).GetProperty("syncId").GetGuid();

    static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();

    async Task<JsonElement> AccountAsync()
    {
        var accounts = await observed.System.Api.GetFromJsonAsync<JsonElement>("api/accounts");
        return accounts.EnumerateArray().Single(a => a.GetProperty("accountId").GetString() == DynamicCode);
    }
}
