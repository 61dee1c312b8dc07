using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_following_next_until_it_is_absent : SimulatorTest
{
    protected override void Configure(SimulatorOptions options) => options.CallBudget = 100_000;

    public static TheoryData<string, int> EdgesAndLimits()
    {
        var data = new TheoryData<string, int>();
        foreach (var edge in new[] { "campaigns", "adsets", "ads" })
        {
            foreach (var limit in new[] { 1, 7, 25, 100, 250 })
            {
                data.Add(edge, limit);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EdgesAndLimits))]
    public async Task Should_return_every_entity_exactly_once(string edge, int limit)
    {
        var truth = Simulator.Running.GetTruth(Sim.BigAccount)!;
        var level = edge switch
        {
            "campaigns" => truth.Campaigns,
            "adsets" => truth.AdSets,
            _ => truth.Ads,
        };
        var expected = level.Ids;

        var (rows, pages) = await Simulator.ReadAllAsync($"{Sim.BigAccount}/{edge}?fields=id,name&limit={limit}");
        var ids = rows.Select(r => r.GetProperty("id").GetString()!).ToList();

        Assert.Equal(expected.Count, ids.Distinct().Count());
        Assert.Equal(expected, ids);
        Assert.Equal((expected.Count + limit - 1) / limit, pages);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(500)]
    public async Task Should_return_every_insight_row_exactly_once(int limit)
    {
        var expected = Simulator.Running.GetTruth(Sim.BigAccount)!.Insights["last_30d"].Ads;

        var (rows, _) = await Simulator.ReadAllAsync($"{Sim.BigAccount}/insights?level=ad&date_preset=last_30d&fields=ad_id,spend&limit={limit}");

        Assert.Equal(expected.Order(), rows.Select(r => r.GetProperty("ad_id").GetString()!).Order());
    }

    [Fact]
    public async Task Should_keep_cursors_after_on_the_last_page_and_leave_out_next()
    {
        var last = await Simulator.GetAsync($"{Sim.BigAccount}/campaigns?limit=100");

        Assert.Null(last.Next);
        Assert.False(string.IsNullOrEmpty(last.After));
    }

    [Fact]
    public async Task Should_carry_the_same_query_and_the_token_in_next_when_the_token_came_in_the_query()
    {
        var first = await Simulator.GetAsync($"{Sim.BigAccount}/ads?fields=id,name&limit=10&effective_status=[\"ACTIVE\"]");
        var next = new Uri(first.Next!);

        Assert.StartsWith(Simulator.Running.BaseUrl + Sim.Version + $"/{Sim.BigAccount}/ads?", next.ToString());
        Assert.Contains("access_token=" + Simulator.Running.AccessToken, next.Query);
        Assert.Contains("limit=10", next.Query);
        Assert.Contains("fields=id%2Cname", next.Query);
        Assert.Contains("effective_status=", next.Query);
        Assert.Contains("after=", next.Query);
    }

    [Fact]
    public async Task Should_leave_the_token_out_of_next_when_it_came_in_the_header()
    {
        var first = await Simulator.GetAsync($"{Sim.BigAccount}/ads?limit=10", TokenIn.Header);

        Assert.DoesNotContain("access_token", first.Next!);
        Assert.Equal(Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.Ids.Count, (await Simulator.ReadAllAsync($"{Sim.BigAccount}/ads?limit=100", TokenIn.Header)).Rows.Count);
    }

    [Fact]
    public async Task Should_keep_a_query_token_in_next_even_when_a_header_token_came_too()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, $"{Sim.Version}/{Sim.BigAccount}/ads?limit=10&access_token={Simulator.Running.AccessToken}");
        message.Headers.Authorization = new("Bearer", Simulator.Running.AccessToken);

        var first = await Simulator.SendAsync(message);

        Assert.Contains("access_token=", first.Next!);
    }

    [Fact]
    public async Task Should_let_a_client_shrink_the_limit_and_keep_its_place()
    {
        var truth = Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.Ids;
        var first = await Simulator.GetAsync($"{Sim.BigAccount}/ads?limit=100");

        var halved = await Simulator.GetAsync($"{Sim.BigAccount}/ads?limit=50&after={first.After}");

        Assert.Equal(truth.Skip(100).Take(50), halved.Data.Select(r => r.GetProperty("id").GetString()));
    }
}
