using System.Net;
using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_objects_are_read_by_id : SimulatorTest
{
    protected override void Configure(SimulatorOptions options) => options.CallBudget = 100_000;

    AccountTruth Truth => Simulator.Running.GetTruth(Sim.BigAccount)!;

    [Fact]
    public async Task Should_answer_each_id_with_its_fields_archived_and_deleted_ones_with_their_status()
    {
        var ids = new[] { Truth.Ads.Ids[0], Truth.Ads.Archived[0], Truth.Ads.Deleted[0], Truth.Campaigns.Ids[0] };

        var answer = await Simulator.GetAsync($"?ids={string.Join(',', ids)}&fields=id,name,effective_status");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(ids, answer.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ids.Select(id => Truth.Ads.EffectiveStatus.GetValueOrDefault(id) ?? Truth.Campaigns.EffectiveStatus[id]),
            ids.Select(id => answer.Body.GetProperty(id).GetProperty("effective_status").GetString()));
        Assert.Equal(1, Simulator.Running.GetStats().Accounts[Sim.BigAccount].CallsByEndpoint["ids"]);
    }

    [Fact]
    public async Task Should_fail_the_whole_call_with_803_when_an_id_does_not_exist()
    {
        var answer = await Simulator.GetAsync($"?ids={Truth.Ads.Ids[0]},120299999999999999&fields=id");

        Assert.Equal((HttpStatusCode.NotFound, 803), (answer.Status, answer.Code));
        Assert.Contains("120299999999999999", answer.Error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Should_refuse_more_than_50_ids_and_a_field_one_of_the_types_lacks()
    {
        var many = await Simulator.GetAsync($"?ids={string.Join(',', Truth.Ads.Ids.Take(51))}&fields=id");
        var field = await Simulator.GetAsync($"?ids={Truth.Ads.Ids[0]},{Truth.Campaigns.Ids[0]}&fields=id,adset_id");

        Assert.Equal(100, many.Code);
        Assert.Equal(100, field.Code);
    }

    [Fact]
    public async Task Should_answer_ids_inside_a_batch_too()
    {
        var batch = $"[{{\"method\":\"GET\",\"relative_url\":\"?ids={Truth.Ads.Ids[0]},{Truth.Ads.Deleted[0]}&fields=effective_status\"}}]";
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["batch"] = batch, ["access_token"] = Simulator.Running.AccessToken });

        using var response = await Simulator.Http.PostAsync($"{Sim.Version}/", form);
        var answers = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(200, answers[0].GetProperty("code").GetInt32());
        Assert.Contains("DELETED", answers[0].GetProperty("body").GetString());
    }
}
