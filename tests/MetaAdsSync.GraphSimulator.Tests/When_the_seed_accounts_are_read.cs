using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_the_seed_accounts_are_read : SimulatorTest
{

    [Fact]
    public async Task Should_list_the_twelve_accounts_of_the_fixture()
    {
        var (rows, _) = await Simulator.ReadAllAsync("me/adaccounts?fields=id,account_id,name,currency,timezone_name,account_status");

        Assert.Equal(Fixture.Accounts.Select(a => a.Id), rows.Select(r => r.GetProperty("id").GetString()));
        Assert.All(rows, r => Assert.Equal("act_" + r.GetProperty("account_id").GetString(), r.GetProperty("id").GetString()));
        Assert.All(rows, r => Assert.Equal(1, r.GetProperty("account_status").GetInt32()));
    }

    [Fact]
    public async Task Should_serve_each_accounts_counts_and_active_split_per_level()
    {
        foreach (var account in Fixture.Accounts)
        {
            foreach (var (edge, expected) in new[] { ("campaigns", account.Campaigns), ("adsets", account.AdSets), ("ads", account.Ads) })
            {
                var (rows, _) = await Simulator.ReadAllAsync($"{account.Id}/{edge}?fields=id,effective_status&limit=100");
                var statuses = rows.Select(r => r.GetProperty("effective_status").GetString()).ToList();

                Assert.True(expected.Total == rows.Count, $"{account.Name} {edge}: {rows.Count} listed, fixture {expected.Total}");
                Assert.Equal(expected.Active, statuses.Count(s => s is "ACTIVE" or "WITH_ISSUES"));
                Assert.Equal(expected.WithIssues, statuses.Count(s => s == "WITH_ISSUES"));
            }
        }
    }

    [Fact]
    public async Task Should_total_1833_entities_of_which_243_are_insight_eligible()
    {
        var entities = 0;
        var eligible = 0;
        foreach (var account in Simulator.Running.AccountIds)
        {
            foreach (var edge in new[] { "campaigns", "adsets", "ads" })
            {
                entities += (await Simulator.ReadAllAsync($"{account}/{edge}?limit=200")).Rows.Count;
                eligible += (await Simulator.ReadAllAsync($"{account}/{edge}?limit=200&effective_status=[\"ACTIVE\",\"WITH_ISSUES\"]")).Rows.Count;
            }
        }

        Assert.Equal(1833, entities);
        Assert.Equal(243, eligible);
    }

    [Fact]
    public async Task Should_build_the_same_data_set_from_the_same_seed()
    {
        await using var twin = await Sim.StartAsync();

        var mine = await Simulator.GetAsync($"{Sim.BigAccount}/ads?fields=id,name,effective_status,creative{{id,title,body}}&limit=50");
        var theirs = await twin.GetAsync($"{Sim.BigAccount}/ads?fields=id,name,effective_status,creative{{id,title,body}}&limit=50");

        Assert.Equal(mine.Body.GetProperty("data").GetRawText(), theirs.Body.GetProperty("data").GetRawText());
        Assert.Equal(mine.After, theirs.After);
    }
}
