using System.Net;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_a_batch_is_sent : SimulatorTest
{
    protected override void Configure(SimulatorOptions options) => options.CallBudget = 100_000;

    Task<GraphAnswer> PostAsync(IEnumerable<string> relativeUrls) =>
        PostAsync(JsonSerializer.Serialize(relativeUrls.Select(u => new { method = "GET", relative_url = u })));

    async Task<GraphAnswer> PostAsync(string batch)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = Simulator.Running.AccessToken, ["batch"] = batch }),
        };
        return await Simulator.SendAsync(message);
    }

    [Fact]
    public async Task Should_answer_each_sub_request_in_order_with_its_code_headers_and_body()
    {
        var answer = await PostAsync([$"{Sim.Version}/{Sim.BigAccount}/campaigns?fields=id&limit=5", $"{Sim.Version}/act_1/ads", "me/adaccounts"]);
        var parts = answer.Body.EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal([200, 400, 200], parts.Select(p => p.GetProperty("code").GetInt32()));
        Assert.Equal(5, JsonDocument.Parse(parts[0].GetProperty("body").GetString()!).RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal(33, JsonDocument.Parse(parts[1].GetProperty("body").GetString()!).RootElement.GetProperty("error").GetProperty("error_subcode").GetInt32());
        Assert.Contains(parts[0].GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "X-Business-Use-Case-Usage");
    }

    [Fact]
    public async Task Should_count_every_sub_request_against_its_endpoint_and_account()
    {
        await PostAsync(Enumerable.Repeat($"{Sim.BigAccount}/ads?limit=2", 7));

        var stats = Simulator.Running.GetStats();

        Assert.Equal(7, stats.Accounts[Sim.BigAccount].CallsByEndpoint["ads"]);
        Assert.Equal(1, stats.CallsByEndpoint["batch"]);
    }

    [Fact]
    public async Task Should_give_next_links_that_work_outside_the_batch()
    {
        var answer = await PostAsync([$"{Sim.Version}/{Sim.BigAccount}/adsets?limit=5"]);
        var body = JsonDocument.Parse(answer.Body[0].GetProperty("body").GetString()!).RootElement;

        var next = await Simulator.GetAsync(body.GetProperty("paging").GetProperty("next").GetString()!, TokenIn.None);

        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal(5, next.Data.Count);
    }

    [Fact]
    public async Task Should_answer_null_for_sub_requests_meta_gave_up_on_the_same_way_for_the_same_seed()
    {
        Simulator.Running.Configure(o => o.BatchNullRate = 0.5);
        var urls = Enumerable.Range(1, 40).Select(i => $"{Sim.BigAccount}/ads?limit={i}").ToList();

        var first = (await PostAsync(urls)).Body.EnumerateArray().Select(a => a.ValueKind).ToList();
        Simulator.Running.Reset();
        var again = (await PostAsync(urls)).Body.EnumerateArray().Select(a => a.ValueKind).ToList();

        Assert.Contains(JsonValueKind.Null, first);
        Assert.Contains(JsonValueKind.Object, first);
        Assert.Equal(first, again);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("[{\"method\":\"GET\"}]")]
    [InlineData("{\"relative_url\":\"me\"}")]
    [InlineData("not json")]
    public async Task Should_refuse_a_malformed_batch_with_the_envelope(string batch)
    {
        var answer = await PostAsync(batch);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(100, answer.Code);
    }

    [Fact]
    public async Task Should_refuse_more_than_50_sub_requests()
    {
        var answer = await PostAsync(Enumerable.Repeat("me", 51));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(100, answer.Code);
        Assert.NotNull(answer.Header("X-App-Usage"));
    }
}
