using Xunit.Abstractions;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>
/// Scenario 3: the broker restarts mid-run. The test owns that broker (a RabbitMQ node of its own; the shared one is
/// never touched): every host must notice, reconnect by itself and finish the run, none restarted.
/// </summary>
public sealed class When_rabbitmq_restarts_mid_run(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_reconnect_every_host_on_its_own_and_complete_the_run()
    {
        await using var broker = await PrivateRabbitMq.StartAsync();
        await using var system = await Suite.StartSystemAsync(s => s.LatencyMs = 300, broker: broker.HostEnvironment);

        var first = await Outage.MidRunAsync(system, "RabbitMQ", broker.StopAsync, broker.StartAgainAsync, output);

        // A second run on the reconnected system: commands flow again end to end, not only the ones that were in flight.
        var second = Suite.SyncId(await system.RequestSync(Suite.TwoEzi, force: true));
        await RunChecks.AssertCompletedExactlyAsync(system, Suite.TwoEzi, second);
        await RunChecks.AssertOneRowPerRunAsync(system, Suite.TwoEzi, [first, second]);
    }
}
