using MetaAdsSync.Contracts;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>Scenario 6: the fetch commands of a run are lost on purpose (their queue purged); the watchdog re-drives them.</summary>
public sealed class When_a_fetch_command_is_lost
{
    [Fact]
    public async Task Should_re_drive_it_and_complete_the_run()
    {
        var settings = new Dictionary<string, string> { ["Sync__StallAfter"] = "00:00:03", ["Sync__WatchdogInterval"] = "00:00:01" };
        await using var system = await Suite.StartSystemAsync(settings: settings);
        // The fetcher's queue stays bound when its only consumer dies: the commands wait there. Lose them: a first sync
        // sends the campaign and ad set reads, its ads wait for the campaign read's campaigns (added once it is re-driven).
        system.Hosts.Single(h => h.Project == "EntityFetcher").Kill();
        var runId = Suite.SyncId(await system.RequestSync(Suite.TwoEzi));
        await Broker.PurgeQueueAsync(system.VirtualHost, Queues.FetchEntities, expectAtLeast: 2);
        var fetcher = system.StartHost("EntityFetcher");
        await fetcher.WaitUntilReadyAsync(Suite.ReadyTimeout);

        await RunChecks.AssertCompletedExactlyAsync(system, Suite.TwoEzi, runId);
        await RunChecks.AssertOneRowPerRunAsync(system, Suite.TwoEzi, [runId]);
    }
}
