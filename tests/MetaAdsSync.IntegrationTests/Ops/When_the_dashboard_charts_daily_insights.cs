using System.Globalization;
using MetaAdsSync.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static MetaAdsSync.IntegrationTests.Ops.Dashboard;

namespace MetaAdsSync.IntegrationTests.Ops;

/// <summary>The daily chart of an account synced through the API (Bus Tour Rhymes), per account and per campaign, against the simulator's days.</summary>
[Collection(ObservedSystemCollection.Name)]
public class When_the_dashboard_charts_daily_insights(ObservedSystem observed, ITestOutputHelper output)
{
    const int Days = 28;

    [Fact]
    public async Task Should_draw_a_bar_per_day_of_the_window_with_meta_s_numbers_for_the_account_and_a_campaign()
    {
        var simulator = observed.System.Simulator;
        var window = StoredDaily.Window(simulator, ObservedSystem.ApiAccount, Days);
        // The chart's window ends on the account's today; its days since the fixture's sync (after the account's
        // midnight: Sydney's is 13:00 UTC) were never read, and are drawn empty.
        var synced = StoredDaily.Window(simulator, ObservedSystem.ApiAccount, Days, observed.ApiRun.GetProperty("startedAt").GetDateTimeOffset()).Until;
        var truth = simulator.GetDailyTruth(ObservedSystem.ApiAccount, window.Since, window.Until)!.Rows
            .Where(r => r.Level == "campaign" && DateOnly.Parse(r.Date, CultureInfo.InvariantCulture) <= synced).ToList();
        await using var dashboard = await OpenAsync(observed.System.Gateway.BaseAddress, output);
        var page = dashboard.Page;

        await dashboard.Account(ObservedSystem.ApiAccount).ClickAsync();
        var bars = page.Locator("#daily-chart rect.bar");
        await Expect(bars).ToHaveCountAsync(Days);
        await Expect(page.Locator("#daily-caption")).ToContainTextAsync($"{Days} days, {Day(window.Since)} – {Day(window.Until)}");
        Assert.Equal(Spend(truth, window), await BarsAsync(bars));
        await dashboard.ScreenshotAsync("daily-account-1280x800");

        var campaign = truth.GroupBy(r => r.EntityId).OrderByDescending(g => g.Count()).First().Key;
        await page.Locator("#daily-scope").SelectOptionAsync(campaign);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Clicks" }).ClickAsync();
        await Expect(page.Locator("#daily-heading")).ToContainTextAsync("clicks");
        await Expect(bars).ToHaveCountAsync(Days);
        var clicks = truth.Where(r => r.EntityId == campaign).ToDictionary(r => r.Date, r => (decimal)r.Clicks);
        var expected = EveryDay(window).Select(d => clicks.GetValueOrDefault(d)).ToList();
        await Eventually.TrueAsync(async () => (await BarsAsync(bars)).SequenceEqual(expected), "the campaign's clicks drawn", TimeSpan.FromSeconds(10));
        Assert.Equal(expected, await BarsAsync(bars));
        await dashboard.ScreenshotAsync("daily-campaign-1280x800");
    }

    static List<decimal> Spend(IEnumerable<GraphSimulator.DailyRow> rows, (DateOnly Since, DateOnly Until) window)
    {
        var perDay = rows.GroupBy(r => r.Date).ToDictionary(g => g.Key, g => g.Sum(r => r.Spend));
        return EveryDay(window).Select(d => perDay.GetValueOrDefault(d)).ToList();
    }

    static IEnumerable<string> EveryDay((DateOnly Since, DateOnly Until) window) =>
        Enumerable.Range(0, window.Until.DayNumber - window.Since.DayNumber + 1).Select(i => Day(window.Since.AddDays(i)));

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Each bar's value in order (a day without delivery is drawn empty, as 0 here).</summary>
    static async Task<List<decimal>> BarsAsync(ILocator bars) =>
        (await bars.EvaluateAllAsync<string[]>("bars => bars.map(b => b.dataset.value)"))
            .Select(v => v.Length == 0 ? 0m : Math.Round(decimal.Parse(v, CultureInfo.InvariantCulture), 2)).ToList();
}
