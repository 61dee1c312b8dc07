using System.Text.RegularExpressions;
using MetaAdsSync.Storage;
using MetaAdsSync.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace MetaAdsSync.IntegrationTests.Foundation;

public class When_the_hosts_start(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    static readonly int MigrationCount = StorageRegistration.CreateContext("Host=unused").Database.GetMigrations().Count();

    public static TheoryData<string> Hosts => new() { "Gateway", "Orchestrator", "EntityFetcher", "InsightFetcher" };

    [Fact]
    public async Task Should_all_reach_ready_once_the_orchestrator_has_applied_the_schema()
    {
        var (postgres, _) = await PostgresFixture.CreateDatabaseAsync();
        var settings = HostSettings.For(postgres, rabbit);

        // Workers first: they must wait for the schema, never create it.
        await using var gateway = HostProcess.Start("Gateway", settings);
        await using var entities = HostProcess.Start("EntityFetcher", settings);
        await using var insights = HostProcess.Start("InsightFetcher", settings);
        await using var orchestrator = HostProcess.Start("Orchestrator", settings);

        await HostProcess.WaitUntilAllReadyAsync([orchestrator, gateway, entities, insights], ReadyTimeout);
        Assert.Contains($"applied {MigrationCount} migration(s) now", orchestrator.Output);

        // Readiness waits for the message warm-up only so long: on a busy machine it may end just after.
        foreach (var host in new[] { orchestrator, gateway, entities, insights })
        {
            await Eventually.TrueAsync(() => host.Output.Contains("Message paths warmed in", StringComparison.Ordinal),
                $"{host.Project} warmed its message paths", TimeSpan.FromMinutes(1));
            Assert.DoesNotContain("not warmed at start", host.Output, StringComparison.Ordinal);
            // Its pooled connections opened and Npgsql's converters of every type the hot statements use resolved.
            Assert.Contains("PostgreSQL warmed: 4 connections opened, 20 types sent and read back", host.Output, StringComparison.Ordinal);
        }

        // The Gateway's request client: its response pipes connected, so the bus endpoint's queue exists before the first request.
        Assert.Contains("2 response pipe(s) on the bus endpoint", gateway.Output, StringComparison.Ordinal);
        // The Gateway asked itself for a run that does not exist, so its first request finds the pipeline built.
        await Eventually.TrueAsync(() => Regex.IsMatch(gateway.Output, @"API warmed in \d+ ms: GET /api/syncs/\{empty uuid\} answered (404|401)"),
            "the Gateway warmed its API", TimeSpan.FromMinutes(1));
        // The Orchestrator ran the planner's reads (in a transaction rolled back) before it took messages.
        Assert.Contains("The saga's path warmed: repository load, planner reads, ledger JSON", orchestrator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_play_back_at_its_next_start_the_JIT_profile_a_host_recorded()
    {
        var (postgres, _) = await PostgresFixture.CreateDatabaseAsync();
        var directory = Directory.CreateTempSubdirectory("jit-profile-").FullName;
        var settings = HostSettings.For(postgres, rabbit, new Dictionary<string, string>
        {
            ["JitProfile__Directory"] = directory,
            ["JitProfile__RecordFor"] = "00:00:05",
        });
        var profile = Path.Combine(directory, "MetaAdsSync.Orchestrator.jitprofile");

        await using (var first = HostProcess.Start("Orchestrator", settings))
        {
            await Eventually.TrueAsync(() => first.Output.Contains("JIT profile saved", StringComparison.Ordinal), "the first start saved its profile",
                TimeSpan.FromMinutes(2));
            Assert.Contains("JIT profile: played back 0 bytes at start", first.Output, StringComparison.Ordinal);
        }

        var saved = new FileInfo(profile).Length;
        Assert.True(saved > 1000, $"a profile of {saved} bytes");
        // The process's own file was renamed into the host's profile, not left beside it.
        Assert.Equal([profile], Directory.GetFiles(directory));

        await using var second = HostProcess.Start("Orchestrator", settings);
        await second.WaitUntilReadyAsync(ReadyTimeout);
        Assert.Contains($"JIT profile: played back {saved} bytes at start", second.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 19)]
    [InlineData("false", 0)]
    public async Task Should_give_its_background_JIT_thread_the_lowest_priority_unless_told_not_to(string? lowPriority, int expectedNice)
    {
        var (postgres, _) = await PostgresFixture.CreateDatabaseAsync();
        var extra = new Dictionary<string, string> { ["JitProfile__Directory"] = "" };
        if (lowPriority is not null)
        {
            extra["BackgroundJit__LowPriority"] = lowPriority;
        }

        // The Orchestrator: it applies the schema the other hosts wait for.
        await using var host = HostProcess.Start("Orchestrator", HostSettings.For(postgres, rabbit, extra));
        await host.WaitUntilReadyAsync(ReadyTimeout);

        // Requests make code hot, so the runtime recompiles it on its tiered-compilation thread, which exits when idle
        // and is started again for new work: each one seen while the host serves counts, with the highest nice value it
        // was seen at (a new thread runs at the host's priority until its first batch of work is reported).
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var seen = new Dictionary<int, int>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30) && !(seen.ContainsValue(expectedNice) && watch.Elapsed > TimeSpan.FromSeconds(5)))
        {
            using var _ = await client.GetAsync("/metrics");
            foreach (var (thread, stat) in BackgroundJitThreads.Of(host.ProcessId))
            {
                // nice is field 19 of proc(5).
                var nice = int.Parse(stat[19 - 3], System.Globalization.CultureInfo.InvariantCulture);
                seen[thread] = Math.Max(nice, seen.GetValueOrDefault(thread));
            }
        }

        Assert.NotEmpty(seen);
        Assert.Contains(expectedNice, seen.Values);
        Assert.All(seen.Values, nice => Assert.True(nice == 0 || nice == expectedNice, $"a background JIT thread at nice {nice}"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task Should_report_ready_only_once_the_JIT_has_settled_unless_told_not_to(string enabled, bool waits)
    {
        var (postgres, _) = await PostgresFixture.CreateDatabaseAsync();
        var extra = new Dictionary<string, string> { ["JitProfile__Directory"] = "", ["JitSettle__Enabled"] = enabled };
        await using var host = HostProcess.Start("Orchestrator", HostSettings.For(postgres, rabbit, extra));
        await host.WaitUntilReadyAsync(ReadyTimeout);

        if (waits)
        {
            // Written before the hold lets go; the output reaches the test through a pipe, so allow it a moment.
            await Eventually.TrueAsync(() => Regex.IsMatch(host.Output, @"JIT settled in \d+ ms after the start: \d+ methods compiled meanwhile"),
                "the host said the JIT settled", TimeSpan.FromSeconds(10));
        }
        else
        {
            Assert.DoesNotContain("JIT settled", host.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Should_run_from_ReadyToRun_images_of_their_code_and_packages(string host)
    {
        // Release builds (the suite's) precompile what the hosts load: src/ReadyToRun.props.
        foreach (var assembly in new[] { $"MetaAdsSync.{host}.dll", "MetaAdsSync.ServiceDefaults.dll", "MassTransit.dll", "Npgsql.dll", "Microsoft.EntityFrameworkCore.dll" })
        {
            using var stream = File.OpenRead(Path.Combine(RepoPaths.HostDirectory(host), assembly));
            using var image = new System.Reflection.PortableExecutable.PEReader(stream);
            Assert.True(image.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0, $"{host}'s {assembly} is not a ReadyToRun image");
        }
    }

    [Fact]
    public async Task Should_apply_the_schema_once_when_two_orchestrators_start_together()
    {
        var (postgres, _) = await PostgresFixture.CreateDatabaseAsync();
        var settings = HostSettings.For(postgres, rabbit);

        await using var first = HostProcess.Start("Orchestrator", settings);
        await using var second = HostProcess.Start("Orchestrator", settings);
        await Task.WhenAll(first.WaitUntilReadyAsync(ReadyTimeout), second.WaitUntilReadyAsync(ReadyTimeout));

        var migrated = new[] { first, second }.Count(h => h.Output.Contains($"applied {MigrationCount} migration(s) now"));
        var foundCurrent = new[] { first, second }.Count(h => h.Output.Contains("applied 0 migration(s) now"));
        Assert.Equal((1, 1), (migrated, foundCurrent));
        Assert.Equal(MigrationCount, await When_the_schema_is_migrated.HistoryRows(postgres));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Should_stop_at_start_naming_an_empty_connection_string(string host)
    {
        await AssertStopsNaming(host, "ConnectionStrings__Postgres", "", "ConnectionStrings:Postgres");
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Should_stop_at_start_naming_a_bad_broker_port(string host)
    {
        await AssertStopsNaming(host, "RabbitMq__Port", "70000", "RabbitMq:Port");
    }

    async Task AssertStopsNaming(string host, string variable, string value, string settingName)
    {
        var settings = HostSettings.For("Host=127.0.0.1;Database=unused", rabbit, new Dictionary<string, string> { [variable] = value });
        await using var process = HostProcess.Start(host, settings);

        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(settingName, process.Output);
    }
}
