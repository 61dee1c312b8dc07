using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static MetaAdsSync.IntegrationTests.Ops.Dashboard;

namespace MetaAdsSync.IntegrationTests.Ops;

/// <summary>The seed's flow on the whole running system: pick 2EZi, click "Sync now", watch it finish without a reload.</summary>
[Collection(ObservedSystemCollection.Name)]
public class When_the_dashboard_syncs_an_account(ObservedSystem observed, ITestOutputHelper output)
{
    const string TwoEzi = "act_697495618573979";
    static readonly float RunPatience = (float)TimeSpan.FromMinutes(3).TotalMilliseconds;

    [Fact]
    public async Task Should_show_progress_and_end_in_just_now_with_tables_filled_without_a_reload()
    {
        await using var dashboard = await OpenAsync(observed.System.Gateway.BaseAddress, output);
        var page = dashboard.Page;
        var account = dashboard.Account(TwoEzi);
        await Expect(account.Locator(".staleness")).ToHaveTextAsync("Never synced");
        await account.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "2EZi" })).ToBeVisibleAsync();
        await Expect(page.Locator("#entities-caption")).ToContainTextAsync("No campaigns stored yet");

        // A marker that a reload would wipe, and a record of every status and Graph call count the progress showed.
        await page.EvaluateAsync("""
            () => {
              window.notReloaded = true;
              window.seen = [];
              const note = () => window.seen.push({
                status: document.querySelector('#progress').dataset.status,
                graphCalls: Number(document.querySelector('[data-progress="graphCalls"]').textContent.replace(/\D/g, '')) });
              new MutationObserver(note).observe(document.querySelector('#progress'), { subtree: true, childList: true, characterData: true, attributes: true });
            }
            """);

        var requested = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, request) => requested.Enqueue(new Uri(request.Url).AbsolutePath);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();
        await Expect(page.Locator("#progress[data-status='Running']")).ToBeVisibleAsync();
        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-mode", "stream");
        await dashboard.ScreenshotAsync("2ezi-syncing-1280x800");
        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = RunPatience });
        await Expect(page.Locator("#account-staleness")).ToHaveTextAsync("Just now");
        await Expect(account.Locator(".staleness")).ToHaveTextAsync("Just now");
        await Expect(page.Locator("#entities tbody tr")).ToHaveCountAsync(49);
        await dashboard.ScreenshotAsync("2ezi-synced-1280x800");

        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page was reloaded");
        // Followed through its event stream alone: the run was never polled.
        var syncId = await page.Locator("#progress").GetAttributeAsync("data-sync-id");
        Assert.Contains($"/api/syncs/{syncId}/events", requested);
        Assert.DoesNotContain($"/api/syncs/{syncId}", requested);
        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-mode", "stream");
        var seen = (await page.EvaluateAsync<JsonElement>("() => window.seen")).EnumerateArray()
            .Select(s => (Status: s.GetProperty("status").GetString(), GraphCalls: s.GetProperty("graphCalls").GetInt64())).ToList();
        Assert.Contains(seen, s => s.Status == "Running");
        Assert.Contains(seen, s => s.Status == "Completed");
        Assert.True(seen.Select(s => s.GraphCalls).Distinct().Count() >= 2, "the Graph call count never moved: " + string.Join(", ", seen.Select(s => s.GraphCalls)));

        await page.GetByRole(AriaRole.Tab, new() { Name = "Ads" }).ClickAsync();
        await Expect(page.Locator("#entities-caption")).ToContainTextAsync("100+ ads");
        await page.GetByRole(AriaRole.Button, new() { Name = "Load more" }).ClickAsync();
        await Expect(page.Locator("#entities-caption")).ToContainTextAsync("200+ ads");

        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Campaigns" }).ClickAsync();
        await dashboard.ScreenshotAsync("2ezi-synced-390x844");
        await page.GotoAsync(observed.System.Gateway.BaseAddress + "#/runs");
        await Expect(page.Locator($"#runs tbody tr[data-sync-id='{observed.ApiSyncId}']")).ToContainTextAsync("completed");
        await page.SetViewportSizeAsync(1280, 800);
        await dashboard.ScreenshotAsync("runs-1280x800");
    }

    [Fact]
    public async Task Should_fall_back_to_polling_when_the_event_stream_breaks()
    {
        const string Account = "act_967045528830171";
        await using var dashboard = await OpenAsync(observed.System.Gateway.BaseAddress, output);
        var page = dashboard.Page;
        await page.RouteAsync("**/api/syncs/*/events", route => route.AbortAsync("connectionreset"));
        await dashboard.Account(Account).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();

        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-mode", "poll");
        await Expect(page.Locator("#progress")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = RunPatience });
        await Expect(dashboard.Account(Account).Locator(".staleness")).ToHaveTextAsync("Just now");
    }
}
