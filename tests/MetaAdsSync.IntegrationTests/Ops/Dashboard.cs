using MetaAdsSync.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MetaAdsSync.IntegrationTests.Ops;

/// <summary>
/// The dashboard in Debian's headless Chromium, driven by Playwright through its executable path (no browser
/// download), with a fresh profile; the page's console goes to the test output.
/// </summary>
public sealed class Dashboard : IAsyncDisposable
{
    const string Chromium = "/usr/bin/chromium";

    readonly IPlaywright _playwright;
    readonly IBrowserContext _browser;
    readonly DirectoryInfo _profile;

    Dashboard(IPlaywright playwright, IBrowserContext browser, DirectoryInfo profile, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        _profile = profile;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<Dashboard> OpenAsync(Uri gateway, ITestOutputHelper output)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/test.sh installs Debian's chromium package.");
        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("metaadssync-chromium-");
        var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
            ViewportSize = new() { Width = 1280, Height = 800 },
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.Console += (_, message) => output.WriteLine($"console {message.Type}: {message.Text}");
        page.PageError += (_, error) => output.WriteLine("page error: " + error);
        await page.GotoAsync(gateway.ToString());
        return new Dashboard(playwright, browser, profile, page);
    }

    public static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    public ILocator Account(string accountId) => Page.Locator($"#accounts button[data-account-id='{accountId}']");

    /// <summary>Writes a screenshot under <c>.local/test-artifacts/dashboard</c>.</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Artifacts("dashboard"), name + ".png") });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _profile.Delete(recursive: true);
    }
}
