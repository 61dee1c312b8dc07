using System.Text.Json;
using MetaAdsSync.IntegrationTests.EndToEnd;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.IntegrationTests.Ops;

/// <summary>
/// One whole system for the ops tests, exporting its traces to an <see cref="OtlpCollector"/>, with Graph calls
/// logged (Debug) and a simulator slow enough that a sync's progress can be watched. One sync of Bus Tour Rhymes
/// through the API has ended when the tests start; the browser test syncs 2EZi itself.
/// </summary>
public sealed class ObservedSystem : IAsyncLifetime
{
    public const string ApiAccount = "act_756610284419937";

    public OtlpCollector Collector { get; } = new();
    public SyncSystem System { get; private set; } = null!;
    public Guid ApiSyncId { get; private set; }
    public JsonElement ApiRun { get; private set; }

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>(Collector.HostEnvironment)
        {
            ["Logging__LogLevel__MetaAdsSync"] = "Debug",
        };
        System = await SyncSystem.StartAsync(s => s.LatencyMs = 200, settings: settings);
        var accepted = await System.RequestSync(ApiAccount, force: true);
        ApiSyncId = accepted.GetProperty("syncId").GetGuid();
        ApiRun = await System.WaitForEnd(ApiSyncId, TimeSpan.FromMinutes(3));
    }

    public HostProcess Host(string project) => System.Hosts.First(h => h.Project == project);

    public async Task DisposeAsync()
    {
        if (System is not null)
        {
            await System.DisposeAsync();
        }

        await Collector.DisposeAsync();
    }
}

// Runs alone, after the parallel collections: its five processes on top of theirs starved the others on two cores.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservedSystemCollection : ICollectionFixture<ObservedSystem>
{
    public const string Name = "observed system";
}
