using System.Net;
using Microsoft.Extensions.Time.Testing;
using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_calls_use_up_the_budget
{
    const string Account = "act_756610284419937";
    const string AccountNumber = "756610284419937";
    readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    Task<Sim> StartAsync(Action<SimulatorOptions>? more = null) => Sim.StartAsync(o =>
    {
        o.Clock = _clock;
        o.CallBudget = 10;
        o.BlockSeconds = 300;
        more?.Invoke(o);
    });

    static double AccountPercent(GraphAnswer answer) =>
        answer.HeaderJson("X-Ad-Account-Usage").GetProperty("acc_id_util_pct").GetDouble();

    static int BusinessUseCase(GraphAnswer answer, string property) =>
        answer.HeaderJson("X-Business-Use-Case-Usage").GetProperty(AccountNumber)[0].GetProperty(property).GetInt32();

    [Fact]
    public async Task Should_raise_the_usage_headers_with_each_call()
    {
        await using var sim = await StartAsync();

        var percents = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            percents.Add(AccountPercent(await sim.GetAsync($"{Account}/campaigns")));
        }

        Assert.Equal([10, 20, 30, 40, 50], percents);
    }

    [Fact]
    public async Task Should_throttle_the_call_over_budget_with_80004_and_the_time_to_regain_access()
    {
        await using var sim = await StartAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await sim.GetAsync($"{Account}/campaigns")).Status);
        }

        var throttled = await sim.GetAsync($"{Account}/campaigns");

        Assert.Equal(HttpStatusCode.BadRequest, throttled.Status);
        Assert.Equal(80004, throttled.Code);
        Assert.Equal(2446079, throttled.Subcode);
        Assert.True(throttled.Error.GetProperty("is_transient").GetBoolean());
        Assert.Equal(5, BusinessUseCase(throttled, "estimated_time_to_regain_access"));
        Assert.Equal(100, BusinessUseCase(throttled, "call_count"));
        Assert.Equal(100, AccountPercent(throttled));
    }

    [Fact]
    public async Task Should_throttle_insights_with_80000_and_send_the_insights_throttle_header()
    {
        await using var sim = await StartAsync(o => o.CallBudget = 1);
        var first = await sim.GetAsync($"{Account}/insights?level=campaign");

        var throttled = await sim.GetAsync($"{Account}/insights?level=campaign");

        Assert.Equal(100, first.HeaderJson("x-fb-ads-insights-throttle").GetProperty("acc_id_util_pct").GetDouble());
        Assert.Equal(80000, throttled.Code);
        Assert.Equal("ads_insights", throttled.HeaderJson("X-Business-Use-Case-Usage").GetProperty(AccountNumber)[0].GetProperty("type").GetString());
        Assert.NotNull(throttled.Header("x-fb-ads-insights-throttle"));
    }

    [Fact]
    public async Task Should_refuse_every_call_while_blocked_count_those_after_the_first_refusal_and_serve_again_afterwards()
    {
        await using var sim = await StartAsync();
        sim.Running.BlockAccount(Account, TimeSpan.FromSeconds(120));

        var refused = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            refused.Add((await sim.GetAsync($"{Account}/ads")).Code);
        }

        _clock.Advance(TimeSpan.FromSeconds(121));
        var after = await sim.GetAsync($"{Account}/ads");

        Assert.Equal([80004, 80004, 80004], refused);
        // The first refusal is how the client learns of the block; the two after it came while it was known.
        Assert.Equal(2, sim.Running.GetStats().Accounts[Account].CallsWhileBlocked);
        Assert.Equal(3, sim.Running.GetStats().ThrottledResponses);
        Assert.Equal(HttpStatusCode.OK, after.Status);
    }

    [Fact]
    public async Task Should_give_a_client_the_notice_time_to_hear_of_a_block_before_its_calls_count_as_while_blocked()
    {
        await using var sim = await StartAsync(o => o.ThrottleNoticeMs = 500);
        sim.Running.BlockAccount(Account, TimeSpan.FromSeconds(120));

        await sim.GetAsync($"{Account}/ads");
        _clock.Advance(TimeSpan.FromMilliseconds(499));
        await sim.GetAsync($"{Account}/ads");
        var withinNotice = sim.Running.GetStats().Accounts[Account].CallsWhileBlocked;
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await sim.GetAsync($"{Account}/ads");

        Assert.Equal(0, withinNotice);
        Assert.Equal(1, sim.Running.GetStats().Accounts[Account].CallsWhileBlocked);
        Assert.Equal(3, sim.Running.GetStats().Accounts[Account].ThrottledResponses);
    }

    [Fact]
    public async Task Should_send_the_usage_headers_on_error_answers_too()
    {
        await using var sim = await StartAsync();
        await sim.GetAsync($"{Account}/campaigns");

        var error = await sim.GetAsync($"{Account}/campaigns?fields=no_such_field");

        Assert.Equal(100, error.Code);
        Assert.NotNull(error.Header("X-App-Usage"));
        Assert.Equal(20, AccountPercent(error));
    }

    [Fact]
    public async Task Should_recover_usage_as_the_window_slides()
    {
        await using var sim = await StartAsync(o => o.BudgetWindowSeconds = 600);
        for (var i = 0; i < 5; i++)
        {
            await sim.GetAsync($"{Account}/campaigns");
        }

        _clock.Advance(TimeSpan.FromSeconds(601));
        var later = await sim.GetAsync($"{Account}/campaigns");

        Assert.Equal(10, AccountPercent(later));
    }

    [Fact]
    public async Task Should_answer_17_when_the_user_request_limit_variant_is_chosen()
    {
        await using var sim = await StartAsync(o => o.ThrottleError = ThrottleErrorVariant.UserRequestLimit);
        sim.Running.BlockAccount(Account, TimeSpan.FromMinutes(1));

        var throttled = await sim.GetAsync($"{Account}/campaigns");

        Assert.Equal(17, throttled.Code);
        Assert.Equal(2446079, throttled.Subcode);
    }

    [Fact]
    public async Task Should_throttle_the_app_with_code_4_once_its_budget_is_used()
    {
        await using var sim = await StartAsync(o => o.AppCallBudget = 3);
        for (var i = 0; i < 3; i++)
        {
            await sim.GetAsync("me/adaccounts");
        }

        var throttled = await sim.GetAsync("me/adaccounts");

        Assert.Equal(4, throttled.Code);
        Assert.Equal(100, throttled.HeaderJson("X-App-Usage").GetProperty("call_count").GetInt32());
    }

    [Fact]
    public async Task Should_count_batch_sub_requests_one_by_one()
    {
        await using var sim = await StartAsync();
        var batch = string.Join(",", Enumerable.Repeat($"{{\"method\":\"GET\",\"relative_url\":\"{Sim.Version}/{Account}/campaigns\"}}", 4));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = sim.Running.AccessToken, ["batch"] = $"[{batch}]" });
        await sim.Http.PostAsync("", form);

        var next = await sim.GetAsync($"{Account}/campaigns");

        Assert.Equal(50, AccountPercent(next));
    }
}
