using System.Diagnostics;
using MetaAdsSync.Fetching;
using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Storage;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// The seed's per-account sync (see the seed audit), re-implemented on our Graph client and upserts so that only the
/// algorithm differs: refresh the accounts list, then the three entity edges one after the other (limits 500 / 500 /
/// 200, following <c>next</c>), then one insights call per ACTIVE / WITH_ISSUES entity, ten at a time, each group of
/// ten awaited before the next (its <c>Promise.all</c> batches), then stamp <c>last_synced_at</c>. No rate control and
/// no retries, as in the seed: its client gives up on the first error.
/// </summary>
sealed class SeedBaseline : IAsyncDisposable
{
    const int GroupSize = 10;
    static readonly EntityLevel[] Levels = [EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad];

    readonly ServiceProvider _services;
    readonly IMetaGraphClient _graph;

    SeedBaseline(ServiceProvider services, NpgsqlDataSource database)
    {
        _services = services;
        _graph = services.GetRequiredService<IMetaGraphClient>();
        Database = database;
    }

    public NpgsqlDataSource Database { get; }

    public static async Task<SeedBaseline> CreateAsync(SimulatorProcess simulator)
    {
        var (postgres, _) = await PostgresFixture.CreateDatabaseAsync();
        await using (var db = StorageRegistration.CreateContext(postgres))
        {
            await SchemaMigrator.MigrateAsync(db, default);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Meta:BaseUrl"] = simulator.BaseUrl.ToString().TrimEnd('/'),
            ["Meta:AccessToken"] = simulator.AccessToken,
            ["Meta:CampaignPageSize"] = "500",
            ["Meta:AdSetPageSize"] = "500",
            ["Meta:AdPageSize"] = "200",
            ["Meta:MaxRetryAttempts"] = "1",
            ["Meta:RetryBaseDelay"] = "00:00:00",
            ["RateGate:MaxThrottleWait"] = "00:00:00",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton<IRateGate, NoRateGate>()
            .AddMetaGraphApi()
            .BuildServiceProvider();
        return new SeedBaseline(services, StorageRegistration.CreateDataSource(postgres));
    }

    /// <summary>One sync of one account, the seed's way; the elapsed time, or the error that ended it.</summary>
    public async Task<SeedRun> SyncAsync(string accountId, string datePreset = "last_7d")
    {
        var clock = Stopwatch.StartNew();
        var runId = Guid.NewGuid();
        var started = DateTimeOffset.UtcNow;
        try
        {
            var accounts = await _graph.GetAdAccountsAsync(default);
            await using (var connection = await Database.OpenConnectionAsync())
            {
                await StorageRows.UpsertAccountsAsync(connection, accounts.Accounts, DateTimeOffset.UtcNow, default);
            }

            var eligible = new Dictionary<EntityLevel, List<string>>();
            foreach (var level in Levels)
            {
                var entities = new List<MetaEntity>();
                await foreach (var page in _graph.GetEntitiesAsync(accountId, level, Partition.WholeLevel, default))
                {
                    entities.AddRange(page.Entities);
                }

                await using var connection = await Database.OpenConnectionAsync();
                await StorageRows.UpsertEntitiesAsync(connection, accountId, level, entities, DateTimeOffset.UtcNow, runId, started, default);
                eligible[level] = entities.Where(e => e.IsEligibleForInsights).Select(e => e.Id).ToList();
            }

            foreach (var level in Levels)
            {
                foreach (var group in eligible[level].Chunk(GroupSize))
                {
                    var result = await _graph.GetInsightsPerEntityAsync(accountId, level, group, datePreset, default);
                    await using var connection = await Database.OpenConnectionAsync();
                    await StorageRows.UpsertInsightsAsync(connection, accountId, level, datePreset, result.Rows, DateTimeOffset.UtcNow, runId, started, default);
                }
            }

            await using (var stamp = Database.CreateCommand("UPDATE ad_accounts SET last_synced_at = now() WHERE id = @id"))
            {
                stamp.Parameters.AddWithValue("id", accountId);
                await stamp.ExecuteNonQueryAsync();
            }

            return new SeedRun(accountId, clock.Elapsed, null);
        }
        catch (GraphApiException ex)
        {
            return new SeedRun(accountId, clock.Elapsed, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>The seed had no rate control: every call goes straight out.</summary>
    sealed class NoRateGate : IRateGate
    {
        public ValueTask<IAsyncDisposable> AcquireAsync(RateScope scope, CancellationToken cancellationToken) => ValueTask.FromResult<IAsyncDisposable>(Permit.Instance);

        public ValueTask ReportAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<TimeSpan> BlockedForAsync(RateScope scope, CancellationToken cancellationToken) => ValueTask.FromResult(TimeSpan.Zero);

        sealed class Permit : IAsyncDisposable
        {
            public static readonly Permit Instance = new();

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

sealed record SeedRun(string AccountId, TimeSpan Elapsed, string? Error);
