using System.Net;
using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_the_token_path_or_cursor_is_wrong : SimulatorTest
{
    const string ForbiddenAccount = "act_756610284419937";

    protected override void Configure(SimulatorOptions options)
    {
        options.CallBudget = 100_000;
        options.AccountsWithoutPermission = [ForbiddenAccount];
    }

    static void AssertEnvelope(GraphAnswer answer, int code, int? subcode = null)
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(code, answer.Code);
        Assert.Equal(subcode, answer.Subcode);
        Assert.False(string.IsNullOrEmpty(answer.Error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(answer.Error.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(answer.Error.GetProperty("fbtrace_id").GetString()));
        Assert.NotNull(answer.Header("X-App-Usage"));
    }

    [Fact]
    public async Task Should_answer_a_missing_token_with_190() =>
        AssertEnvelope(await Simulator.GetAsync($"{Sim.BigAccount}/campaigns", TokenIn.None), 190);

    [Theory]
    [InlineData(TokenIn.Query)]
    [InlineData(TokenIn.Header)]
    public async Task Should_answer_an_invalid_token_with_190(TokenIn tokenIn) =>
        AssertEnvelope(await Simulator.GetAsync($"{Sim.BigAccount}/campaigns", tokenIn, "not-a-token"), 190);

    [Fact]
    public async Task Should_answer_an_expired_token_with_190_463() =>
        AssertEnvelope(await Simulator.GetAsync($"{Sim.BigAccount}/campaigns", TokenIn.Query, "simulator-token-expired"), 190, 463);

    [Fact]
    public async Task Should_answer_a_token_without_permission_with_200() =>
        AssertEnvelope(await Simulator.GetAsync($"{Sim.BigAccount}/campaigns", TokenIn.Header, "simulator-token-without-permission"), 200);

    [Fact]
    public async Task Should_answer_200_for_an_account_the_token_was_not_granted_and_serve_the_others()
    {
        AssertEnvelope(await Simulator.GetAsync($"{ForbiddenAccount}/ads"), 200);
        AssertEnvelope(await Simulator.GetAsync($"{ForbiddenAccount}/insights?level=ad"), 200);
        Assert.Equal(HttpStatusCode.OK, (await Simulator.GetAsync($"{Sim.BigAccount}/campaigns")).Status);
    }

    [Fact]
    public async Task Should_answer_an_unknown_account_with_100_33() =>
        AssertEnvelope(await Simulator.GetAsync("act_123/campaigns"), 100, 33);

    [Theory]
    [InlineData("act_697495618573979/creatives", 100)]
    [InlineData("act_697495618573979/campaigns/extra", 2500)]
    [InlineData("act_697495618573979/campaigns?fields=id,no_such_field", 100)]
    [InlineData("act_697495618573979/ads?fields=creative{id,no_such_field}", 100)]
    [InlineData("act_697495618573979/insights?date_preset=last_2_weeks", 100)]
    [InlineData("act_697495618573979/insights?fields=impressions,likes", 100)]
    [InlineData("act_697495618573979/ads?filtering=not-json", 100)]
    [InlineData("act_697495618573979/ads?effective_status=[\"SLEEPING\"]", 100)]
    public async Task Should_answer_unknown_edges_fields_and_parameters_with_the_envelope(string relative, int code) =>
        AssertEnvelope(await Simulator.GetAsync(relative), code);

    [Fact]
    public async Task Should_answer_a_path_outside_the_surface_with_the_envelope_not_a_404_page()
    {
        AssertEnvelope(await Simulator.GetAsync(Simulator.Running.BaseUrl + "nothing/here/at/all"), 2500);
        AssertEnvelope(await Simulator.GetAsync(Simulator.Running.BaseUrl + "v25.0/12345"), 100, 33);
    }

    [Fact]
    public async Task Should_answer_a_write_it_does_not_simulate_with_the_envelope()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{Sim.Version}/{Sim.BigAccount}/campaigns?access_token={Simulator.Running.AccessToken}");

        AssertEnvelope(await Simulator.SendAsync(message), 100, 33);
    }

    [Fact]
    public async Task Should_refuse_a_forged_cursor()
    {
        var first = await Simulator.GetAsync($"{Sim.BigAccount}/ads?limit=10");
        var after = first.After!;
        var forged = after[..^1] + (after[^1] == 'A' ? 'B' : 'A');

        AssertEnvelope(await Simulator.GetAsync($"{Sim.BigAccount}/ads?limit=10&after={forged}"), 100, 1349228);
        AssertEnvelope(await Simulator.GetAsync($"{Sim.BigAccount}/ads?limit=10&after=bm90LWEtY3Vyc29y"), 100, 1349228);
    }

    [Fact]
    public async Task Should_refuse_a_cursor_from_another_edge_or_account()
    {
        var ads = await Simulator.GetAsync($"{Sim.BigAccount}/ads?limit=10");

        AssertEnvelope(await Simulator.GetAsync($"{Sim.BigAccount}/adsets?limit=10&after={ads.After}"), 100, 1349228);
        AssertEnvelope(await Simulator.GetAsync($"act_310264958871203/ads?limit=10&after={ads.After}"), 100, 1349228);
    }

    [Fact]
    public async Task Should_refuse_a_cursor_from_a_simulator_with_another_seed()
    {
        await using var other = await Sim.StartAsync(o => o.Seed = 99);
        var foreign = await other.GetAsync($"{Sim.BigAccount}/ads?limit=10");

        AssertEnvelope(await Simulator.GetAsync($"{Sim.BigAccount}/ads?limit=10&after={foreign.After}"), 100, 1349228);
    }
}
