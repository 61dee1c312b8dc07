using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Tests.Support;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_the_admin_api_is_used : SimulatorTest
{

    [Fact]
    public async Task Should_count_calls_per_endpoint_and_account_and_clear_them_on_reset()
    {
        await Simulator.GetAsync($"{Sim.BigAccount}/campaigns");
        await Simulator.GetAsync($"{Sim.BigAccount}/insights");
        await Simulator.GetAsync("me/adaccounts");

        var stats = await Simulator.Http.GetFromJsonAsync<JsonElement>("_sim/stats");
        (await Simulator.Http.PostAsync("_sim/reset", null)).EnsureSuccessStatusCode();

        Assert.Equal(3, stats.GetProperty("calls").GetInt64());
        Assert.Equal(1, stats.GetProperty("accounts").GetProperty(Sim.BigAccount).GetProperty("callsByEndpoint").GetProperty("insights").GetInt64());
        Assert.Equal(0, Simulator.Running.GetStats().Calls);
    }

    [Fact]
    public async Task Should_record_the_most_calls_in_flight_at_once_per_account()
    {
        var clock = new FakeTimeProvider();
        await using var sim = await Sim.StartAsync(o =>
        {
            o.Clock = clock;
            o.LatencyMs = 500;
        });

        var calls = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => sim.GetAsync($"{Sim.BigAccount}/campaigns")));
        await Eventually.TrueAsync(() => sim.Running.GetStats().Accounts.GetValueOrDefault(Sim.BigAccount)?.InFlight == 8, "eight calls in flight");
        await Eventually.AdvanceUntilDoneAsync(clock, calls, TimeSpan.FromMilliseconds(500));

        var account = sim.Running.GetStats().Accounts[Sim.BigAccount];
        Assert.Equal(8, account.MaxInFlight);
        Assert.Equal(0, account.InFlight);
    }

    [Fact]
    public async Task Should_change_settings_at_run_time_and_refuse_those_that_shape_the_data()
    {
        var changed = await Simulator.Http.PostAsJsonAsync("_sim/config", new { callBudget = 3, payloadError = "CodeOneServerError" });
        var refused = await Simulator.Http.PostAsJsonAsync("_sim/config", new { seed = 1 });
        var invalid = await Simulator.Http.PostAsJsonAsync("_sim/config", new { transientErrorRate = 2.0 });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(3, Simulator.Running.Options.CallBudget);
        Assert.Equal(PayloadErrorVariant.CodeOneServerError, Simulator.Running.Options.PayloadError);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task Should_block_one_account_for_the_seconds_asked()
    {
        (await Simulator.Http.PostAsync($"_sim/block/{Sim.BigAccount}?seconds=600", null)).EnsureSuccessStatusCode();

        var blocked = await Simulator.GetAsync($"{Sim.BigAccount}/ads");
        var other = await Simulator.GetAsync("act_310264958871203/ads");

        Assert.Equal(80004, blocked.Code);
        Assert.Equal(10, blocked.HeaderJson("X-Business-Use-Case-Usage").GetProperty("697495618573979")[0].GetProperty("estimated_time_to_regain_access").GetInt32());
        Assert.Equal(HttpStatusCode.OK, other.Status);
    }

    [Fact]
    public async Task Should_tell_the_truth_of_an_account_and_the_summary_of_all()
    {
        var truth = await Simulator.Http.GetFromJsonAsync<JsonElement>($"_sim/truth/{Sim.BigAccount}");
        var summary = await Simulator.Http.GetFromJsonAsync<JsonElement>("_sim/truth");
        var unknown = await Simulator.Http.GetAsync("_sim/truth/act_1");

        Assert.Equal(798, truth.GetProperty("ads").GetProperty("ids").GetArrayLength());
        Assert.Equal(117, truth.GetProperty("campaigns").GetProperty("insightEligible").GetArrayLength()
            + truth.GetProperty("adSets").GetProperty("insightEligible").GetArrayLength()
            + truth.GetProperty("ads").GetProperty("insightEligible").GetArrayLength());
        Assert.Equal(20, truth.GetProperty("insights").EnumerateObject().Count());
        Assert.Equal(243, summary.EnumerateArray().Sum(a => a.GetProperty("insightEligible").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Should_answer_the_health_checks()
    {
        Assert.Equal(HttpStatusCode.OK, (await Simulator.Http.GetAsync("health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Simulator.Http.GetAsync("health/ready")).StatusCode);
    }
}
