using System.Diagnostics;
using MetaAdsSync.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>
/// The connection budget at CI's size (issue 16): one Orchestrator, one Gateway, four of each fetcher at their default
/// pool sizes, on a PostgreSQL of the test's own that allows only a few connections more than the documented total
/// (<see cref="ConnectionBudget"/>), with enough accounts that every fetcher's consumers all have a message at once.
/// Every run completes with exact data, the hosts never hold more than the budget, and none is refused a connection.
/// </summary>
public sealed class When_four_of_each_fetcher_share_a_small_postgresql(ITestOutputHelper output)
{
    const int Fetchers = 4;

    // 3 levels and 3 insight reads per account: 48 accounts give 144 of each message, more than the 4 × 32 consumers.
    const int Accounts = 48;

    // The test's own connections: the one that watches (runs and pg_stat_activity), the one that checks the data.
    const int OwnConnections = 2;

    // PostgreSQL's default superuser_reserved_connections (the hosts connect as a superuser, so they may take these too:
    // the peak below is what holds them to the budget).
    const int SuperuserReserved = 3;

    [Fact]
    public async Task Should_sync_every_account_exactly_within_the_documented_connections()
    {
        var clock = Stopwatch.StartNew();
        var budget = ConnectionBudget.Total(orchestrators: 1, gateways: 1, entityFetchers: Fetchers, insightFetchers: Fetchers);
        await using var database = await PrivatePostgres.StartAsync(maxConnections: budget + SuperuserReserved + OwnConnections);
        await using var system = await SyncSystem.StartAsync(s =>
        {
            s.IncludeSeedAccounts = false;
            s.SyntheticAccounts = Accounts;
            s.SyntheticMeanEntities = 300;
            // Long enough that each message spans several calls, so the consumers' work overlaps.
            s.LatencyMs = 50;
            s.AppCallBudget = 100_000_000;
        }, Fetchers, Fetchers, new Dictionary<string, string> { ["Gateway__SyncRequestsPerMinute"] = "100000" }, postgres: database.ConnectionString);
        output.WriteLine($"{Fetchers} + {Fetchers} fetchers ready after {clock.Elapsed}; budget {budget}, max_connections {budget + SuperuserReserved + OwnConnections}");

        var accounts = system.Simulator.AccountIds;
        await using var watch = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await watch.OpenAsync();
        var runIds = (await Task.WhenAll(accounts.Select(a => system.RequestSync(a, force: true)))).Select(Suite.SyncId).ToArray();
        var (statuses, peak) = await WaitForRunsAsync(watch, runIds, Suite.RunTimeout);
        output.WriteLine($"{runIds.Length} runs ended after {clock.Elapsed}; at most {peak} client connections, the test's own watcher included");

        Assert.All(runIds, id => Assert.Equal("Completed", statuses.GetValueOrDefault(id)));
        var data = await StoredData.CompareAsync(database.ConnectionString, system.Simulator, accounts);
        Assert.True(data.Problems.Count == 0, data.Verdict);
        output.WriteLine($"{data.Entities} entities and {data.InsightRows} insight rows exact");
        Assert.True(peak - 1 <= budget, $"the hosts held {peak - 1} connections at once; the documented budget is {budget}");
        Assert.All(system.Hosts, host =>
        {
            Assert.DoesNotContain("53300", host.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("too many clients", host.Output, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// One query for every run still out and one count of client connections, every quarter second, on one connection:
    /// waiting costs the system nothing it would notice. Returns each run's status and the most connections seen.
    /// </summary>
    static async Task<(Dictionary<Guid, string> Statuses, long Peak)> WaitForRunsAsync(NpgsqlConnection connection, Guid[] runIds, TimeSpan timeout)
    {
        var statuses = new Dictionary<Guid, string>();
        long peak = 0;
        var clock = Stopwatch.StartNew();
        while (statuses.Count < runIds.Length)
        {
            Assert.True(clock.Elapsed < timeout, $"{runIds.Length - statuses.Count} of {runIds.Length} runs still running after {timeout}");
            await using (var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'", connection))
            {
                peak = Math.Max(peak, (long)(await count.ExecuteScalarAsync())!);
            }

            await using (var ended = new NpgsqlCommand("SELECT run_id, status FROM sync_runs WHERE run_id = ANY(@ids)", connection))
            {
                ended.Parameters.AddWithValue("ids", runIds);
                await using var reader = await ended.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    statuses[reader.GetGuid(0)] = reader.GetString(1);
                }
            }

            await Task.Delay(250);
        }

        return (statuses, peak);
    }
}
