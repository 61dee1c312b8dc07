using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_an_accounts_access_is_revoked : SimulatorTest
{
    protected override void Configure(SimulatorOptions options) => options.CallBudget = 100_000;

    async Task<List<string>> ListedAsync() =>
        (await Simulator.ReadAllAsync("me/adaccounts?fields=id&limit=100")).Rows.Select(r => r.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task Should_leave_it_out_of_the_accounts_list()
    {
        Simulator.Running.RevokeAccess(Sim.BigAccount);

        var listed = await ListedAsync();

        Assert.DoesNotContain(Sim.BigAccount, listed);
        Assert.Equal(Simulator.Running.AccountIds.Count - 1, listed.Count);
        Assert.False(Simulator.Running.GetTruth(Sim.BigAccount)!.Accessible);
    }

    [Theory]
    [InlineData("{0}?fields=id,name", "{0}")]
    [InlineData("{0}/campaigns?fields=id", "{0}")]
    [InlineData("{0}/insights?level=ad&date_preset=last_7d", "{0}")]
    [InlineData("{1}?fields=id", "{1}")]
    [InlineData("{1}/insights?date_preset=last_7d", "{1}")]
    public async Task Should_answer_every_call_naming_it_as_an_object_that_cannot_be_loaded(string path, string named)
    {
        var campaign = Simulator.Running.GetTruth(Sim.BigAccount)!.Campaigns.InsightEligible[0];
        Simulator.Running.RevokeAccess(Sim.BigAccount);

        var answer = await Simulator.GetAsync(string.Format(null, path, Sim.BigAccount, campaign));

        Assert.Equal((100, 33), (answer.Code, answer.Subcode));
        Assert.Contains($"'{string.Format(null, named, Sim.BigAccount, campaign)}'", answer.Error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Should_answer_as_before_once_access_is_restored()
    {
        Simulator.Running.RevokeAccess(Sim.BigAccount);
        Simulator.Running.RestoreAccess(Sim.BigAccount);

        Assert.Contains(Sim.BigAccount, await ListedAsync());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Simulator.GetAsync($"{Sim.BigAccount}/campaigns?fields=id")).Status);
    }

    [Fact]
    public async Task Should_report_a_changed_account_status_and_keep_answering_reads()
    {
        Simulator.Running.SetAccountStatus(Sim.BigAccount, 2);

        var listed = (await Simulator.ReadAllAsync("me/adaccounts?fields=id,account_status&limit=100")).Rows
            .Single(r => r.GetProperty("id").GetString() == Sim.BigAccount);
        var node = await Simulator.GetAsync($"{Sim.BigAccount}?fields=account_status");

        Assert.Equal(2, listed.GetProperty("account_status").GetInt32());
        Assert.Equal(2, node.Body.GetProperty("account_status").GetInt32());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Simulator.GetAsync($"{Sim.BigAccount}/ads?fields=id")).Status);
        Assert.Equal(2, Simulator.Running.GetAccounts().Single(a => a.AccountId == Sim.BigAccount).AccountStatus);
    }
}
