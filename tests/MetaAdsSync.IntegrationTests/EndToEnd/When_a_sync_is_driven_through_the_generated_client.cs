using System.Text.Json;
using MetaAdsSync.ApiClient;
using MetaAdsSync.IntegrationTests.Ops;
using Xunit.Abstractions;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>
/// A whole sync through the C# client that every build generates from the Gateway's OpenAPI document
/// (tests/MetaAdsSync.ApiClient), against the real hosts: request, follow its events, poll it to its end, read the
/// account's entities, and the typed problems of a wrong key and a conflicting preset. If code and contract drift
/// apart, this fails to compile or to run. The reference page over the same document is opened in Chromium.
/// </summary>
public class When_a_sync_is_driven_through_the_generated_client(ITestOutputHelper output)
{
    const string TwoEzi = "act_697495618573979";
    const string Key = "generated-client-key-0123456789";
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    static readonly string[] Ended = ["Completed", "Partial", "Failed", "TimedOut"];

    [Fact]
    public async Task Should_request_follow_and_read_an_account_as_the_contract_describes()
    {
        await using var system = await SyncSystem.StartAsync(s => s.LatencyMs = 200, settings: new Dictionary<string, string>
        {
            ["Gateway__AllowAnonymous"] = "false",
            ["Gateway__ApiKeys__0__Id"] = "client",
            ["Gateway__ApiKeys__0__Key"] = Key,
        });
        using var http = new HttpClient { BaseAddress = system.Gateway.BaseAddress, Timeout = Patience };
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        var client = new MetaAdsSyncClient(http);

        var started = await client.RequestSyncAsync(new SyncRequestBody { AccountId = TwoEzi, DatePreset = "last_7d", Force = true });
        Assert.False(started.AccountsOnly);
        var syncId = Assert.NotNull(started.SyncId);
        Assert.Equal($"/api/syncs/{syncId}", started.StatusUrl);

        // Another preset while it runs: the 409 the document declares, as a typed problem.
        var conflict = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() =>
            client.RequestSyncAsync(new SyncRequestBody { AccountId = TwoEzi, DatePreset = "last_30d" }));
        Assert.Equal(409, conflict.StatusCode);
        Assert.Equal(syncId.ToString(), conflict.Result.AdditionalProperties["runningSyncId"].ToString());

        var outcome = await FollowToOutcomeAsync(client, syncId).WaitAsync(Patience);
        Assert.Equal("Completed", outcome.Status);

        var run = await client.GetSyncAsync(syncId.ToString());
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); !Ended.Contains(run.Status) && clock.Elapsed < Patience; await Task.Delay(200))
        {
            run = await client.GetSyncAsync(syncId.ToString());
        }

        Assert.Equal(("Completed", syncId, TwoEzi), (run.Status, run.SyncId, run.AccountId));
        Assert.Equal((49, 182, 798), (run.Entities.Campaigns, run.Entities.AdSets, run.Entities.Ads));
        Assert.Equal((outcome.FinishedAt, outcome.GraphCalls), (run.FinishedAt, run.GraphCalls));

        Assert.Equal(49, (await ReadAllAsync(after => client.ListCampaignsAsync(TwoEzi, "last_7d", null, "500", after))).Count);
        Assert.Equal(182, (await ReadAllAsync(after => client.ListAdSetsAsync(TwoEzi, "last_7d", null, "500", after))).Count);
        var ads = await ReadAllAsync(after => client.ListAdsAsync(TwoEzi, "last_7d", null, "500", after));
        Assert.Equal(798, ads.Select(a => a.Id).Distinct().Count());
        Assert.Contains(ads, a => a.Insights?.Impressions > 0);

        var account = Assert.Single(await client.ListAccountsAsync(), a => a.AccountId == TwoEzi);
        Assert.Equal((49L, 182L, 798L), (account.Counts.Campaigns, account.Counts.AdSets, account.Counts.Ads));

        using var stranger = new HttpClient { BaseAddress = system.Gateway.BaseAddress };
        stranger.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-key-of-this-gateway");
        var refused = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => new MetaAdsSyncClient(stranger).GetSyncAsync(syncId.ToString()));
        Assert.Equal(401, refused.StatusCode);
    }

    [Fact]
    public async Task Should_show_the_reference_page_with_nothing_fetched_from_another_origin()
    {
        await using var system = await SyncSystem.StartAsync();
        await using var browser = await Dashboard.OpenAsync(system.Gateway.BaseAddress, output);
        var requested = new System.Collections.Concurrent.ConcurrentQueue<string>();
        browser.Page.Request += (_, request) => requested.Enqueue(request.Url);

        await browser.Page.GotoAsync(new Uri(system.Gateway.BaseAddress, "/scalar/").ToString());

        // The title and the operations are drawn from /openapi/v1.json: the page read the document and rendered it.
        await Dashboard.Expect(browser.Page.GetByRole(Microsoft.Playwright.AriaRole.Complementary, new() { Name = "Sidebar for MetaAdsSync Gateway" }))
            .ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Dashboard.Expect(browser.Page.GetByText("Run a stale-account sweep now; returns the syncs it requested.").First).ToBeVisibleAsync();
        await browser.ScreenshotAsync("api-reference");
        Assert.Contains(requested, url => url.EndsWith("/openapi/v1.json", StringComparison.Ordinal));
        var elsewhere = requested.Where(url => !url.StartsWith(system.Gateway.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
            && !url.StartsWith("data:", StringComparison.Ordinal) && !url.StartsWith("blob:", StringComparison.Ordinal)).ToList();
        Assert.True(elsewhere.Count == 0, "fetched from elsewhere: " + string.Join(", ", elsewhere));
    }

    /// <summary>Reads <c>GET /api/syncs/{id}/events</c> through the client's stream to its <c>outcome</c> event.</summary>
    static async Task<SyncView> FollowToOutcomeAsync(MetaAdsSyncClient client, Guid syncId)
    {
        using var events = await client.StreamSyncEventsAsync(syncId.ToString());
        using var reader = new StreamReader(events.Stream);
        string type = "message", data = "";
        var progress = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (type == "outcome")
                {
                    Assert.True(progress > 0, "no progress event before the outcome");
                    return JsonSerializer.Deserialize<SyncView>(data)!;
                }

                progress += type == "progress" ? 1 : 0;
                (type, data) = ("message", "");
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                type = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data += line["data:".Length..].TrimStart(' ');
            }
        }

        throw new InvalidOperationException("the event stream ended without an outcome");
    }

    static async Task<List<EntityView>> ReadAllAsync(Func<string?, Task<EntityPageView>> page)
    {
        var all = new List<EntityView>();
        string? after = null;
        do
        {
            var next = await page(after);
            all.AddRange(next.Data);
            after = next.After;
        }
        while (after is not null);

        return all;
    }
}
