using System.Diagnostics;
using MetaAdsSync.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_a_warm_up_holds_readiness
{
    [Fact]
    public void Should_not_be_ready_while_the_warm_up_runs()
    {
        var hold = new WarmUpHold("warming", NullLogger.Instance).StartCounting();

        Assert.Equal(HealthStatus.Unhealthy, hold.Check().Status);
    }

    [Fact]
    public void Should_not_be_ready_the_moment_the_warm_up_is_done()
    {
        var hold = new WarmUpHold("warming", NullLogger.Instance).StartCounting();

        hold.Done();

        var check = hold.Check();
        Assert.Equal(HealthStatus.Unhealthy, check.Status);
        Assert.Contains("JIT", check.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_be_ready_after_a_quiet_window_and_at_the_latest_at_the_settle_limit_then_stay_ready()
    {
        var hold = new WarmUpHold("warming", NullLogger.Instance).StartCounting();
        hold.Done();
        var waited = Stopwatch.StartNew();

        while (hold.Check().Status != HealthStatus.Healthy)
        {
            Assert.True(waited.Elapsed < WarmUpHold.SettleLimit + TimeSpan.FromSeconds(3), "not ready well past the settle limit");
            await Task.Delay(50);
        }

        Assert.True(waited.Elapsed >= WarmUpHold.QuietWindow, $"ready after {waited.Elapsed}, before a whole quiet window");
        Assert.Equal(HealthStatus.Healthy, hold.Check().Status);
    }
}
