using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MetaAdsSync.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class When_the_api_reference_is_served(GatewayFixture gateway)
{
    [Fact]
    public async Task Should_serve_the_document_the_client_was_generated_from()
    {
        using var client = gateway.Client(authenticated: false);

        // Asked without a key: the contract is public, like the health endpoints.
        var served = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var built = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "openapi", "MetaAdsSync.Gateway.json")))!.AsObject();

        // The served document names the server it was asked on; the one written at build has none to name.
        served.Remove("servers");
        built.Remove("servers");
        Assert.True(JsonNode.DeepEquals(built, served), "the served document differs from the one written at build");
        Assert.StartsWith("3.0", (string?)served["openapi"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_serve_the_reference_page_and_its_script_without_a_key_or_another_origin()
    {
        using var client = gateway.Client(authenticated: false);

        using var page = await client.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", RegexOptions.IgnoreCase), html);

        var scripts = Regex.Matches(html, @"<script[^>]*\bsrc\s*=\s*[""']([^""']+)[""']", RegexOptions.IgnoreCase).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            using var response = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/scalar/"), script));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{script}: {(int)response.StatusCode}");
        }
    }
}
