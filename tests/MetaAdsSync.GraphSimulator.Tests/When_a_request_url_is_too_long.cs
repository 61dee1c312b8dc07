using System.Net;
using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_a_request_url_is_too_long : SimulatorTest
{
    protected override void Configure(SimulatorOptions options) => options.CallBudget = 100_000;

    /// <summary>A campaign.id filter with enough made-up ids to make the request target about <paramref name="length"/> long.</summary>
    static string PathOfLength(int length)
    {
        var ids = new List<string>();
        string Path() => $"{Sim.Version}/{Sim.BigAccount}/adsets?fields=id&filtering={Sim.Filter(("campaign.id", "IN", ids))}";
        while (Path().Length + 40 < length)
        {
            ids.Add($"1202000001{ids.Count:D8}");
        }

        return Path()[(Sim.Version.Length + 1)..];
    }

    [Fact]
    public async Task Should_answer_414_with_Metas_envelope_beyond_the_limit()
    {
        var answer = await Simulator.GetAsync(PathOfLength(9000));

        Assert.Equal((HttpStatusCode.RequestUriTooLong, 100), (answer.Status, answer.Code));
        Assert.Contains("8192", answer.Error.GetProperty("message").GetString());
        Assert.Equal(1, Simulator.Running.GetStats().Calls);
    }

    [Fact]
    public async Task Should_answer_a_url_within_the_limit()
    {
        var answer = await Simulator.GetAsync(PathOfLength(7500));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task Should_take_the_limit_from_the_settings()
    {
        Simulator.Running.Configure(o => o.MaxUrlLength = 20_000);

        var answer = await Simulator.GetAsync(PathOfLength(15_000));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }
}
