using MassTransit;
using MassTransit.Testing;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>
/// The saga on MassTransit's in-memory test harness: on the in-memory saga repository with an in-memory run history
/// (the state-machine specs), or on our PostgreSQL repository on a real database (its own tests; two harnesses on
/// one database stand in for two orchestrator processes).
/// </summary>
public sealed class SagaHarness : IAsyncDisposable
{
    readonly ServiceProvider _provider;
    readonly bool _onPostgres;

    SagaHarness(ServiceProvider provider, FakeTimeProvider time, bool onPostgres)
    {
        _provider = provider;
        _onPostgres = onPostgres;
        Time = time;
        Harness = provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<AccountSyncStateMachine, AccountSyncState>();
    }

    public ITestHarness Harness { get; }
    public ISagaStateMachineTestHarness<AccountSyncStateMachine, AccountSyncState> Saga { get; }
    public FakeTimeProvider Time { get; }
    public IServiceProvider Services => _provider;

    /// <summary>The runs ended so far (in memory only; on PostgreSQL they are rows).</summary>
    public InMemoryRunHistory History => _provider.GetRequiredService<InMemoryRunHistory>();

    /// <summary>What the in-memory specs' PostgreSQL knows of accounts' shapes.</summary>
    public InMemoryAccountShapes Shapes => _provider.GetRequiredService<InMemoryAccountShapes>();

    public static Task<SagaHarness> InMemoryAsync(Action<SagaOptions>? configure = null) =>
        StartAsync(null, configure);

    public static Task<SagaHarness> OnPostgresAsync(string connectionString, Action<SagaOptions>? configure = null) =>
        StartAsync(connectionString, configure);

    static async Task<SagaHarness> StartAsync(string? connectionString, Action<SagaOptions>? configure)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddAccountSyncSagaServices();
        // The specs are of the preset reads unless one turns daily rows on, and their first syncs read the ads level
        // whole unless one is of the first sync read by campaign (When_a_first_sync_reads_ads_by_campaign).
        services.AddOptions<SagaOptions>().Configure(o =>
        {
            o.DailyInsightDays = 0;
            o.FirstSyncMaxPartitions = 1;
            configure?.Invoke(o);
        });
        if (connectionString is null)
        {
            services.AddSingleton<InMemoryRunHistory>().AddSingleton<IRunHistory>(sp => sp.GetRequiredService<InMemoryRunHistory>());
            services.AddSingleton<IAccountCalendar, UtcAccountCalendar>();
            services.AddSingleton<InMemoryAccountShapes>().AddSingleton<IAccountShapes>(sp => sp.GetRequiredService<InMemoryAccountShapes>());
        }
        else
        {
            services.AddPooledDbContextFactory<SyncDbContext>(o => StorageRegistration.Configure(o, connectionString));
        }

        services.AddMassTransitTestHarness(x =>
        {
            if (connectionString is null)
            {
                x.AddAccountSyncStateMachine();
            }
            else
            {
                x.AddAccountSyncSaga();
            }

            // The inactivity bound only ends a wait for something that never comes; nothing here waits for quiet.
            x.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(30), testInactivityTimeout: TimeSpan.FromSeconds(10));
        });

        var provider = services.BuildServiceProvider(validateScopes: true);
        var harness = new SagaHarness(provider, time, connectionString is not null);
        await harness.Harness.Start();
        return harness;
    }

    /// <summary>The account's saga as it is now: the committed row on PostgreSQL, the live instance in memory.</summary>
    public async Task<AccountSyncState?> Load(string accountId)
    {
        if (!_onPostgres)
        {
            return Saga.Sagas.Contains(AccountCorrelation.For(accountId));
        }

        var contexts = _provider.GetRequiredService<IDbContextFactory<SyncDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return await db.AccountSyncs.AsNoTracking().SingleOrDefaultAsync(s => s.AccountId == accountId);
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}
