using Microsoft.Playwright;
using Xunit.Abstractions;
using static MetaAdsSync.IntegrationTests.Ops.Dashboard;

namespace MetaAdsSync.IntegrationTests.Ops;

[Collection(ObservedSystemCollection.Name)]
public class When_an_api_key_is_entered_in_the_dashboard(ObservedSystem observed, ITestOutputHelper output)
{
    const string WrongKey = "not-a-key-of-this-gateway";

    [Fact]
    public async Task Should_send_it_keep_it_across_reloads_and_say_when_it_is_refused()
    {
        await using var dashboard = await OpenAsync(observed.System.Gateway.BaseAddress, output);
        var page = dashboard.Page;
        await Expect(dashboard.Account(ObservedSystem.ApiAccount)).ToBeVisibleAsync();

        await page.GetByLabel("API key").FillAsync(WrongKey);
        var sent = await page.RunAndWaitForRequestAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync(),
            r => r.Url.EndsWith("/api/accounts", StringComparison.Ordinal));

        Assert.Equal(WrongKey, await sent.HeaderValueAsync("x-api-key"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The API key was refused");
        await page.ReloadAsync();
        await Expect(page.GetByLabel("API key")).ToHaveValueAsync(WrongKey);

        await page.GetByLabel("API key").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeHiddenAsync();
        await Expect(dashboard.Account(ObservedSystem.ApiAccount)).ToBeVisibleAsync();
    }
}
