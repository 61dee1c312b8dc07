using System.Net;
using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_an_ads_page_is_too_large
{
    const string Fields = "id,name,campaign_id,adset_id,status,effective_status,created_time,updated_time,creative{id,title,body,image_url,thumbnail_url}";

    [Fact]
    public async Task Should_refuse_500_ads_with_creative_with_code_100_subcode_1487534()
    {
        await using var sim = await Sim.StartAsync();

        var answer = await sim.GetAsync($"{Sim.BigAccount}/ads?fields={Fields}&limit=500");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(100, answer.Code);
        Assert.Equal(1487534, answer.Subcode);
        Assert.Contains("Please reduce the amount of data you're asking for, then retry your request", answer.Error.GetProperty("message").GetString());
        Assert.NotNull(answer.Header("X-Business-Use-Case-Usage"));
        Assert.Equal(1, sim.Running.GetStats().PayloadRejections);
    }

    [Theory]
    [InlineData(250)]
    [InlineData(200)]
    public async Task Should_serve_smaller_pages_of_ads_with_creative(int limit)
    {
        await using var sim = await Sim.StartAsync();

        var answer = await sim.GetAsync($"{Sim.BigAccount}/ads?fields={Fields}&limit={limit}");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(limit, answer.Data.Count);
    }

    [Fact]
    public async Task Should_let_a_client_that_halves_500_continue_from_the_same_cursor()
    {
        await using var sim = await Sim.StartAsync();
        var first = await sim.GetAsync($"{Sim.BigAccount}/ads?fields={Fields}&limit=200");

        var refused = await sim.GetAsync($"{Sim.BigAccount}/ads?fields={Fields}&limit=500&after={first.After}");
        var halved = await sim.GetAsync($"{Sim.BigAccount}/ads?fields={Fields}&limit=250&after={first.After}");

        Assert.Equal(1487534, refused.Subcode);
        Assert.Equal(HttpStatusCode.OK, halved.Status);
    }

    [Fact]
    public async Task Should_answer_code_1_with_http_500_when_that_variant_is_chosen()
    {
        await using var sim = await Sim.StartAsync(o => o.PayloadError = PayloadErrorVariant.CodeOneServerError);

        var answer = await sim.GetAsync($"{Sim.BigAccount}/ads?fields={Fields}&limit=500");

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal(1, answer.Code);
        Assert.Contains("reduce the amount of data", answer.Error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Should_hide_the_phrase_in_error_user_msg_when_the_unknown_error_variant_is_chosen()
    {
        await using var sim = await Sim.StartAsync(o => o.PayloadError = PayloadErrorVariant.UnknownErrorWithUserMessage);

        var answer = await sim.GetAsync($"{Sim.BigAccount}/ads?fields={Fields}&limit=500");

        Assert.Equal(1, answer.Code);
        Assert.Equal(99, answer.Subcode);
        Assert.DoesNotContain("reduce", answer.Error.GetProperty("message").GetString());
        Assert.Contains("Please reduce the amount of data", answer.Error.GetProperty("error_user_msg").GetString());
    }

    [Fact]
    public async Task Should_follow_a_threshold_changed_at_run_time()
    {
        await using var sim = await Sim.StartAsync();
        sim.Running.Configure(o => o.PayloadLimitBytes = 2_000);

        var answer = await sim.GetAsync($"{Sim.BigAccount}/campaigns?fields=id,name&limit=100");

        Assert.Equal(1487534, answer.Subcode);
    }
}
