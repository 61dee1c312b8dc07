using System.Net;
using System.Text.RegularExpressions;

namespace MetaAdsSync.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class When_the_dashboard_is_served(GatewayFixture gateway)
{
    static readonly string[] Files = ["/", "/app.js", "/app.css"];

    [Fact]
    public async Task Should_serve_the_page_and_its_assets_without_an_api_key()
    {
        using var client = gateway.Client(authenticated: false);

        foreach (var path in Files)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var page = await client.GetStringAsync("/");
        Assert.Contains("<script src=\"app.js\" defer></script>", page, StringComparison.Ordinal);
        Assert.Contains("Sync now", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_load_nothing_from_another_origin()
    {
        using var client = gateway.Client(authenticated: false);

        foreach (var path in Files)
        {
            var text = await client.GetStringAsync(path);
            Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*[""']?(https?:)?//|@import|url\(\s*['""]?(https?:)?//|fetch\(\s*[""'`]https?:", RegexOptions.IgnoreCase), text);
        }
    }
}
