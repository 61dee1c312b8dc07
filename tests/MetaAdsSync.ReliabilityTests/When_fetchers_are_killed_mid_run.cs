using MetaAdsSync.Contracts;
using System.Diagnostics;
using Npgsql;
using Xunit.Abstractions;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>
/// Scenario 1: SIGKILL an EntityFetcher while it pages through 2EZi's ads and an InsightFetcher while it holds a batch,
/// at several points, and start replacements: every run completes with exact data. One system serves every kill point;
/// before each, 2EZi's copy is deleted, so each run must write it all again (and, not forced, the fetchers take the
/// paths a real unforced run takes, the answer from PostgreSQL of a level already stored included).
/// </summary>
public sealed class When_fetchers_are_killed_mid_run(When_fetchers_are_killed_mid_run.KilledFetchers fixture, ITestOutputHelper output)
    : IClassFixture<When_fetchers_are_killed_mid_run.KilledFetchers>
{
    public static TheoryData<string> KillPoints =>
    [
        "entity fetcher waiting for its first ads page",
        "entity fetcher after its first ads page",
        "entity fetcher on its last ads page",
        "entity fetcher as the ads level is stored",
        "entity fetcher and its replacement, each after an ads page",
        "insight fetcher holding a batch",
        "both fetchers at once, mid ads and holding a batch",
    ];

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task Should_complete_the_run_with_exact_data_once_replacements_start(string killPoint)
    {
        var clock = Stopwatch.StartNew();
        var system = fixture.System;
        await fixture.WaitForIdleAsync();
        await fixture.ForgetTwoEziAsync();
        system.Simulator.Reset();
        // Slow enough that the call the kill waits for is still in flight when the kill lands.
        system.Simulator.Configure(s => s.LatencyMs = killPoint.Contains("holding a batch", StringComparison.Ordinal) ? 1500 : 300);

        var runId = Suite.SyncId(await system.RequestSync(Suite.TwoEzi));
        fixture.Runs.Add(runId);
        var sim = system.Simulator;
        // Kills are timed by what PostgreSQL holds (2EZi's ads come 250 a page) and by the simulator's call counts (a
        // call is counted on arrival and stays in flight for the latency), never by sleeps.
        switch (killPoint)
        {
            case "entity fetcher waiting for its first ads page":
                await Suite.WaitForCallsAsync(sim, Suite.TwoEzi, "ads", 1);
                fixture.Replace("EntityFetcher");
                break;
            case "entity fetcher after its first ads page":
                await fixture.WaitForStoredAdsAsync(250);
                fixture.Replace("EntityFetcher");
                break;
            case "entity fetcher on its last ads page":
                sim.Configure(s => s.LatencyMs = 1500);
                await fixture.WaitForStoredAdsAsync(750);
                fixture.Replace("EntityFetcher");
                break;
            case "entity fetcher as the ads level is stored":
                await fixture.WaitForAdsLevelStoredAsync();
                fixture.Replace("EntityFetcher");
                break;
            case "entity fetcher and its replacement, each after an ads page":
                await fixture.WaitForStoredAdsAsync(250);
                var before = Suite.Calls(sim, Suite.TwoEzi, "ads");
                fixture.Replace("EntityFetcher");
                // How many ads calls are left for the replacement depends on how far the run had got: a first sync reads
                // the ads of each campaign as the campaign pages name them, and the first kill may land after most of
                // those reads. So the replacement is killed once it has made an ads call of its own, or the run ended.
                await Eventually.TrueAsync(async () => Suite.Calls(sim, Suite.TwoEzi, "ads") > before || await fixture.RunEndedAsync(runId),
                    "the replacement calling the ads edge, or the run ending", Suite.RunTimeout);
                fixture.Replace("EntityFetcher");
                break;
            case "insight fetcher holding a batch":
                await Suite.WaitForCallsAsync(sim, Suite.TwoEzi, "insights", 1);
                fixture.Replace("InsightFetcher");
                break;
            case "both fetchers at once, mid ads and holding a batch":
                // The first batch (campaigns, one page) is asked while the ads edge is still on its first pages.
                await Suite.WaitForCallsAsync(sim, Suite.TwoEzi, "insights", 1);
                fixture.Replace("EntityFetcher", "InsightFetcher");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(killPoint), killPoint, null);
        }

        await RunChecks.AssertCompletedExactlyAsync(system, Suite.TwoEzi, runId);
        await RunChecks.AssertOneRowPerRunAsync(system, Suite.TwoEzi, fixture.Runs);
        output.WriteLine($"{killPoint}: completed exactly in {clock.Elapsed.TotalSeconds:F1} s; simulator: {string.Join(", ", sim.GetStats().Accounts[Suite.TwoEzi].CallsByEndpoint)}");
    }

    /// <summary>One system for every kill point: the Orchestrator and Gateway stay, fetchers come and go.</summary>
    public sealed class KilledFetchers : IAsyncLifetime
    {
        public SyncSystem System { get; private set; } = null!;
        public List<Guid> Runs { get; } = [];

        // A killed fetcher's permits come back when their leases end (RateGate:LeaseTime, 90 s by default). Kill points
        // follow each other within seconds, so at the default the leases of earlier kills can fill 2EZi's key and hold a
        // replacement at the gate past the wait for its calls: leases shorter than the suite's waits, attempts shorter still.
        public async Task InitializeAsync() => System = await Suite.StartSystemAsync(s => s.LatencyMs = 300, settings: new Dictionary<string, string>
        {
            ["RateGate__LeaseTime"] = "00:00:20",
            ["Meta__AttemptTimeout"] = "00:00:15",
        });

        public async Task DisposeAsync() => await System.DisposeAsync();

        /// <summary>SIGKILLs the live hosts of these projects and starts one replacement of each.</summary>
        public void Replace(params string[] projects)
        {
            foreach (var project in projects)
            {
                foreach (var host in System.Hosts.Where(h => h.Project == project && !h.HasExited))
                {
                    host.Kill();
                }

                System.StartHost(project);
            }
        }

        /// <summary>
        /// Waits until the fetchers hold nothing more of earlier kill points: a run completes as soon as its saga has
        /// heard every page, but a command a killed fetcher held may still be redelivered and read again after that. Read
        /// after the deletion below, it would store ads again, and the next run would no longer start from an account
        /// it must copy all over again as a first sync (the premise of every kill point).
        /// </summary>
        public Task WaitForIdleAsync() => Broker.WaitForQueuesIdleAsync(System.VirtualHost, TimeSpan.FromSeconds(2.5), Suite.RunTimeout,
            Queues.FetchEntities, Queues.FetchInsightsBatch, Queues.AccountSync);

        /// <summary>Deletes everything stored of 2EZi and what its run history says was read, so the next run must copy it all again.</summary>
        public async Task ForgetTwoEziAsync()
        {
            await using var connection = new NpgsqlConnection(System.Postgres);
            await connection.OpenAsync();
            foreach (var table in new[] { "campaigns", "ad_sets", "ads", "insights", "entity_sync_marks" })
            {
                await using var command = new NpgsqlCommand($"DELETE FROM {table} WHERE account_id = @a", connection);
                command.Parameters.AddWithValue("a", Suite.TwoEzi);
                await command.ExecuteNonQueryAsync();
            }

            await using var history = new NpgsqlCommand("UPDATE sync_runs SET insight_levels_read = '{}' WHERE account_id = @a", connection);
            history.Parameters.AddWithValue("a", Suite.TwoEzi);
            await history.ExecuteNonQueryAsync();
        }

        public async Task<bool> RunEndedAsync(Guid runId)
        {
            await using var connection = new NpgsqlConnection(System.Postgres);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM sync_runs WHERE run_id = @run AND finished_at IS NOT NULL", connection);
            command.Parameters.AddWithValue("run", runId);
            return (long)(await command.ExecuteScalarAsync())! > 0;
        }

        public async Task<long> StoredAdsAsync()
        {
            await using var connection = new NpgsqlConnection(System.Postgres);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM ads WHERE account_id = @a", connection);
            command.Parameters.AddWithValue("a", Suite.TwoEzi);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public Task WaitForStoredAdsAsync(int atLeast) =>
            Eventually.TrueAsync(async () => await StoredAdsAsync() >= atLeast, $"2EZi having {atLeast} ads stored", Suite.RunTimeout);

        /// <summary>
        /// Waits for the mark the fetcher writes once the last ads page is stored, just before it announces that page
        /// and acks: the kill lands in that window or just after it.
        /// </summary>
        public async Task WaitForAdsLevelStoredAsync()
        {
            await using var connection = new NpgsqlConnection(System.Postgres);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM entity_sync_marks WHERE account_id = @a AND level = 'ad'", connection);
            command.Parameters.AddWithValue("a", Suite.TwoEzi);
            await Eventually.TrueAsync(async () => (long)(await command.ExecuteScalarAsync())! > 0, "the ads level stored",
                Suite.RunTimeout, pause: TimeSpan.FromMilliseconds(5));
        }
    }
}
