using Xunit.Abstractions;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>
/// Scenario 4: the database restarts mid-run. The test owns that server (a PostgreSQL of its own; the shared one is
/// never touched): the saga, the fetchers' upserts and the rate gate lose their connections and must carry on.
/// </summary>
public sealed class When_postgresql_restarts_mid_run(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_complete_the_run_with_exact_data()
    {
        await using var database = await PrivatePostgres.StartAsync();
        await using var system = await Suite.StartSystemAsync(s => s.LatencyMs = 300, postgres: database.ConnectionString);

        await Outage.MidRunAsync(system, "PostgreSQL", database.StopAsync, database.StartAgainAsync, output);
    }
}
