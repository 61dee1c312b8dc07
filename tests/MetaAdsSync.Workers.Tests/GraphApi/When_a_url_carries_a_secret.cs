using MetaAdsSync.GraphApi;
using Microsoft.Extensions.DependencyInjection;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_a_url_carries_a_secret
{
    [Theory]
    [InlineData("https://graph.facebook.com/v25.0/act_1/ads?access_token=EAAB123&limit=250&after=QVFI", "https://graph.facebook.com/v25.0/act_1/ads?access_token=REDACTED&limit=250&after=QVFI")]
    [InlineData("/v25.0/me/adaccounts?limit=5&ACCESS_TOKEN=x.y-z&appsecret_proof=abc", "/v25.0/me/adaccounts?limit=5&ACCESS_TOKEN=REDACTED&appsecret_proof=REDACTED")]
    [InlineData("https://graph.test/v25.0/act_1/ads?limit=25", "https://graph.test/v25.0/act_1/ads?limit=25")]
    public void Should_redact_it_before_the_url_is_logged(string url, string expected)
    {
        Assert.Equal(expected, UrlRedactor.Redact(url));
    }

    [Fact]
    public void Should_follow_a_next_link_on_the_configured_host_without_the_token_and_with_the_working_limit()
    {
        using var h = new GraphClientHarness();
        var transport = h.ServiceProvider.GetRequiredService<GraphTransport>();

        var followed = transport.Follow("https://elsewhere.example/v25.0/act_1/ads?access_token=EAAB123&limit=500&after=QVFI&fields=id%2Cname", 250);

        Assert.Equal("graph.test", followed.Host);
        Assert.Equal("/v25.0/act_1/ads", followed.AbsolutePath);
        Assert.DoesNotContain("access_token", followed.Query, StringComparison.Ordinal);
        Assert.Contains("limit=250", followed.Query, StringComparison.Ordinal);
        Assert.Contains("after=QVFI", followed.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("limit=500", followed.Query, StringComparison.Ordinal);
    }
}
