using System.Net;
using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_an_async_insight_report_is_run : SimulatorTest
{
    protected override void Configure(SimulatorOptions options) => options.CallBudget = 100_000;

    async Task<string> StartAsync(string parameters)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{Sim.Version}/{Sim.BigAccount}/insights")
        {
            Content = new FormUrlEncodedContent(Form(parameters + "&access_token=" + Simulator.Running.AccessToken)),
        };
        var started = await Simulator.SendAsync(message);
        Assert.Equal(HttpStatusCode.OK, started.Status);
        return started.Body.GetProperty("report_run_id").GetString()!;
    }

    static Dictionary<string, string> Form(string parameters) => parameters.Split('&')
        .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

    [Fact]
    public async Task Should_move_through_started_and_running_to_completed_as_it_is_polled()
    {
        var id = await StartAsync("level=ad&date_preset=last_7d&fields=ad_id,spend");

        var statuses = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await Simulator.GetAsync(id)).Body.GetProperty("async_status").GetString()!);
        }

        Assert.Equal(["Job Started", "Job Running", "Job Completed", "Job Completed"], statuses);
    }

    [Fact]
    public async Task Should_page_the_rows_of_its_query_once_completed()
    {
        var id = await StartAsync("level=ad&date_preset=last_7d&fields=ad_id,spend");
        var early = await Simulator.GetAsync($"{id}/insights");
        for (var i = 0; i < 3; i++)
        {
            await Simulator.GetAsync(id);
        }

        var (rows, pages) = await Simulator.ReadAllAsync($"{id}/insights?limit=30");

        Assert.Equal(100, early.Code);
        Assert.Equal(Simulator.Running.GetTruth(Sim.BigAccount)!.Ads.InsightEligible.Order(), rows.Select(r => r.GetProperty("ad_id").GetString()).Order());
        Assert.True(pages > 1);
    }

    [Fact]
    public async Task Should_refuse_to_start_a_report_with_a_bad_parameter()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{Sim.Version}/{Sim.BigAccount}/insights?date_preset=soon&access_token={Simulator.Running.AccessToken}");

        var refused = await Simulator.SendAsync(message);

        Assert.Equal(100, refused.Code);
    }
}
