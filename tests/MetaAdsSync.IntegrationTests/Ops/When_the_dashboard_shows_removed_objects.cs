using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;
using static MetaAdsSync.IntegrationTests.Ops.Dashboard;

namespace MetaAdsSync.IntegrationTests.Ops;

/// <summary>Objects Meta no longer returns are hidden by default and shown, struck through with when and why, on request.</summary>
[Collection(ObservedSystemCollection.Name)]
public class When_the_dashboard_shows_removed_objects(ObservedSystem observed, ITestOutputHelper output)
{
    const string BuyT = "act_233871190056412";

    [Fact]
    public async Task Should_list_live_ads_and_the_removed_ones_only_when_asked_with_their_reason()
    {
        await using (var connection = new NpgsqlConnection(observed.System.Postgres))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"""
                INSERT INTO ads (id, account_id, name, status, effective_status, synced_at, removed_at, removed_reason) VALUES
                  ('7101', '{BuyT}', 'Still running', 'ACTIVE', 'ACTIVE', now(), NULL, NULL),
                  ('7102', '{BuyT}', 'Deleted in Ads Manager', 'ACTIVE', 'DELETED', now(), now(), 'DELETED')
                ON CONFLICT (id) DO NOTHING
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        await using var dashboard = await OpenAsync(observed.System.Gateway.BaseAddress, output);
        var page = dashboard.Page;
        await dashboard.Account(BuyT).ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Ads" }).ClickAsync();
        await Expect(page.Locator("#entities tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#entities tbody")).Not.ToContainTextAsync("Deleted in Ads Manager");

        await page.GetByLabel("Show removed").CheckAsync();

        await Expect(page.Locator("#entities tbody tr")).ToHaveCountAsync(2);
        var removed = page.Locator("#entities tbody tr.removed");
        await Expect(removed).ToHaveCountAsync(1);
        await Expect(removed).ToContainTextAsync("Deleted in Ads Manager");
        await Expect(removed).ToContainTextAsync("(DELETED)");
        await dashboard.ScreenshotAsync("removed-ads-1280x800");
    }
}
