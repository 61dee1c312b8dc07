using System.Collections.Concurrent;
using System.Net;
using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_meta_throttles_a_call
{
    const string BucThrottled = """{"1234":[{"type":"ads_management","call_count":100,"total_cputime":12,"total_time":30,"estimated_time_to_regain_access":60,"ads_api_access_tier":"development_access"}]}""";

    [Fact]
    public async Task Should_wait_out_the_throttle_in_the_rate_gate_and_then_succeed_with_one_more_call()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_1/campaigns", [new { id = "c1" }]);
        h.Graph.ThenError(HttpStatusCode.BadRequest, new { message = "User request limit reached", code = 17, error_subcode = 2446079 });

        var pages = await h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal("c1", Assert.Single(pages.Single().Entities).Id);
        Assert.Equal(2, h.Graph.Requests.Count);
        Assert.Contains(h.Logs.Lines, l => l.Contains("is throttled, waiting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_refuse_at_once_when_meta_says_access_returns_later_than_the_longest_wait()
    {
        using var h = new GraphClientHarness(new() { ["RateGate:MaxThrottleWait"] = "00:01:00" });
        h.Graph.Serve("act_1/campaigns", [new { id = "c1" }]);
        h.Graph.ThenError(HttpStatusCode.BadRequest, new { message = "There have been too many calls", code = 80004 },
            new Dictionary<string, string> { ["X-Business-Use-Case-Usage"] = BucThrottled });

        var error = await Assert.ThrowsAsync<RateGateBlockedException>(() => h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync().AsTask());

        Assert.Equal(GraphErrorKind.Throttled, error.Error.Kind);
        Assert.InRange(error.Error.RegainAccessIn!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(60));
        Assert.Single(h.Graph.Requests);
    }

    [Fact]
    public async Task Should_hand_the_usage_headers_of_an_error_response_to_the_rate_gate()
    {
        var gate = new RecordingGate();
        using var h = new GraphClientHarness(services: s => s.AddSingleton<IRateGate>(gate));
        h.Graph.ThenError(HttpStatusCode.BadRequest, new { message = "no", code = 190 }, new Dictionary<string, string>
        {
            ["X-App-Usage"] = """{"call_count":42,"total_cputime":7,"total_time":9}""",
            ["X-Ad-Account-Usage"] = """{"acc_id_util_pct":9.67,"reset_time_duration":120,"ads_api_access_tier":"standard_access"}""",
            ["X-Business-Use-Case-Usage"] = BucThrottled,
        });

        await Assert.ThrowsAsync<GraphApiException>(() => h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync().AsTask());

        var (scope, usage, blockedFor) = Assert.Single(gate.Reports);
        Assert.Equal(new RateScope("act_1", MetaUseCase.AdsManagement), scope);
        Assert.Null(blockedFor);
        Assert.Equal((42d, 9.67, TimeSpan.FromSeconds(120)), (usage.AppCallCount!.Value, usage.AccountUtilPercent!.Value, usage.AccountResetIn!.Value));
        Assert.Equal(100, usage.PercentFor(MetaUseCase.AdsManagement));
        Assert.Equal(42, usage.PercentFor(MetaUseCase.AdsInsights));
    }

    [Fact]
    public void Should_read_the_insights_throttle_header_into_the_insights_use_case()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("x-fb-ads-insights-throttle", """{"app_id_util_pct":12.5,"acc_id_util_pct":88}""");

        var usage = GraphUsage.Parse(response.Headers);

        Assert.Equal((12.5, 88d), (usage.InsightsAppUtilPercent!.Value, usage.InsightsAccountUtilPercent!.Value));
        Assert.Equal(88, usage.PercentFor(MetaUseCase.AdsInsights));
        Assert.Equal(12.5, usage.PercentFor(MetaUseCase.AdsManagement));
    }

    [Fact]
    public async Task Should_block_every_account_when_the_app_itself_is_limited()
    {
        var gate = new InProcessRateGate(Options.Create(new RateGateOptions { MaxThrottleWait = TimeSpan.FromSeconds(1) }), TimeProvider.System, NullLogger<InProcessRateGate>.Instance);

        await gate.ReportAsync(new RateScope(null, MetaUseCase.AdsManagement), GraphUsage.None, TimeSpan.FromMinutes(5), default);

        await Assert.ThrowsAsync<RateGateBlockedException>(() => gate.AcquireAsync(new RateScope("act_2", MetaUseCase.AdsInsights), default).AsTask());
    }

    [Fact]
    public async Task Should_not_block_other_accounts_when_one_account_is_throttled()
    {
        var gate = new InProcessRateGate(Options.Create(new RateGateOptions { MaxThrottleWait = TimeSpan.FromSeconds(1) }), TimeProvider.System, NullLogger<InProcessRateGate>.Instance);

        await gate.ReportAsync(new RateScope("act_1", MetaUseCase.AdsManagement), GraphUsage.None, TimeSpan.FromMinutes(5), default);

        await using var permit = await gate.AcquireAsync(new RateScope("act_2", MetaUseCase.AdsManagement), default);
        await Assert.ThrowsAsync<RateGateBlockedException>(() => gate.AcquireAsync(new RateScope("act_1", MetaUseCase.AdsManagement), default).AsTask());
    }

    [Fact]
    public async Task Should_not_let_a_caller_that_waited_for_a_slot_call_into_a_block_reported_meanwhile()
    {
        var gate = new InProcessRateGate(Options.Create(new RateGateOptions { MaxConcurrentCalls = 1, MaxThrottleWait = TimeSpan.FromSeconds(1) }),
            TimeProvider.System, NullLogger<InProcessRateGate>.Instance);
        var scope = new RateScope("act_1", MetaUseCase.AdsManagement);
        var held = await gate.AcquireAsync(scope, default);
        var waiting = gate.AcquireAsync(scope, default).AsTask();

        await gate.ReportAsync(scope, GraphUsage.None, TimeSpan.FromMinutes(5), default);
        await held.DisposeAsync();

        await Assert.ThrowsAsync<RateGateBlockedException>(() => waiting);
        await using var other = await gate.AcquireAsync(new RateScope("act_2", MetaUseCase.AdsManagement), default);
    }

    sealed class RecordingGate : IRateGate
    {
        public ConcurrentQueue<(RateScope, GraphUsage, TimeSpan?)> Reports { get; } = new();

        public ValueTask<IAsyncDisposable> AcquireAsync(RateScope scope, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IAsyncDisposable>(new Nothing());

        public ValueTask ReportAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, CancellationToken cancellationToken)
        {
            Reports.Enqueue((scope, usage, blockedFor));
            return ValueTask.CompletedTask;
        }

        public ValueTask<TimeSpan> BlockedForAsync(RateScope scope, CancellationToken cancellationToken) => ValueTask.FromResult(TimeSpan.Zero);

        sealed class Nothing : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
