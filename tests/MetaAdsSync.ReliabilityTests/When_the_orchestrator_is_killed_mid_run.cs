using Xunit.Abstractions;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>
/// Scenario 2: SIGKILL the Orchestrator (the saga's only process) mid-run and start a new one: the run completes exactly.
/// One system, a forced run of 2EZi per kill point.
/// </summary>
public sealed class When_the_orchestrator_is_killed_mid_run(When_the_orchestrator_is_killed_mid_run.KilledOrchestrator fixture, ITestOutputHelper output)
    : IClassFixture<When_the_orchestrator_is_killed_mid_run.KilledOrchestrator>
{
    [Theory]
    [InlineData("ads", 3)]
    [InlineData("insights", 1)]
    public async Task Should_complete_the_run_once_a_new_orchestrator_starts(string endpoint, int calls)
    {
        var system = fixture.System;
        system.Simulator.Reset();
        var runId = Suite.SyncId(await system.RequestSync(Suite.TwoEzi, force: true));
        fixture.Runs.Add(runId);
        // With the simulator at 1 s a call, the saga is busy with pages and batches when the kill lands.
        await Suite.WaitForCallsAsync(system.Simulator, Suite.TwoEzi, endpoint, calls);

        system.Hosts.Single(h => h.Project == "Orchestrator" && !h.HasExited).Kill();
        var replacement = system.StartHost("Orchestrator");
        await replacement.WaitUntilReadyAsync(Suite.ReadyTimeout);

        await RunChecks.AssertCompletedExactlyAsync(system, Suite.TwoEzi, runId);
        await RunChecks.AssertOneRowPerRunAsync(system, Suite.TwoEzi, fixture.Runs);
        output.WriteLine(string.Join(", ", system.Simulator.GetStats().Accounts[Suite.TwoEzi].CallsByEndpoint));
    }

    public sealed class KilledOrchestrator : IAsyncLifetime
    {
        public SyncSystem System { get; private set; } = null!;
        public List<Guid> Runs { get; } = [];

        public async Task InitializeAsync() => System = await Suite.StartSystemAsync(s => s.LatencyMs = 1000);

        public async Task DisposeAsync() => await System.DisposeAsync();
    }
}
