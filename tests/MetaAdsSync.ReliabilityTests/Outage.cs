using System.Diagnostics;
using Xunit.Abstractions;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>A server the test owns goes down mid-run and comes back; the system must finish the run by itself.</summary>
public static class Outage
{
    /// <summary>
    /// Starts a sync of 2EZi, stops the server once the ads edge is being paged, waits until every host reports not
    /// ready (each noticed), starts the server again, and checks that the run completed exactly and that every host
    /// is ready again in the same process it started in. Returns the run's id.
    /// </summary>
    public static async Task<Guid> MidRunAsync(SyncSystem system, string server, Func<Task> stop, Func<Task> start, ITestOutputHelper output)
    {
        var processes = system.Hosts.ToDictionary(h => h, h => h.ProcessId);
        var runId = Suite.SyncId(await system.RequestSync(Suite.TwoEzi));
        await Suite.WaitForCallsAsync(system.Simulator, Suite.TwoEzi, "ads", 3);

        var clock = Stopwatch.StartNew();
        await stop();
        await Health.WaitUntilAllNotReadyAsync(system.Hosts);
        output.WriteLine($"{server} down; every host reported not ready after {clock.Elapsed.TotalSeconds:F1} s");
        await start();
        output.WriteLine($"{server} back after {clock.Elapsed.TotalSeconds:F1} s");

        await RunChecks.AssertCompletedExactlyAsync(system, Suite.TwoEzi, runId);
        await RunChecks.AssertOneRowPerRunAsync(system, Suite.TwoEzi, [runId]);
        await HostProcess.WaitUntilAllReadyAsync(system.Hosts, Suite.ReadyTimeout);
        Assert.Equal(processes.Count, system.Hosts.Count);
        Assert.All(processes, p => Assert.Equal((p.Key.Project, false, p.Value), (p.Key.Project, p.Key.HasExited, p.Key.ProcessId)));
        output.WriteLine($"run completed exactly, every host ready in its first process, {clock.Elapsed.TotalSeconds:F1} s after {server} stopped");
        return runId;
    }
}
