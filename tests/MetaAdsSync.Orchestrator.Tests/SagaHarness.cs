using MassTransit;
using MassTransit.Testing;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>
/// The saga on MassTransit's in-memory test harness, persisted by our PostgreSQL repository on a real database.
/// Two harnesses on one database stand in for two orchestrator processes.
/// </summary>
public sealed class SagaHarness : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    SagaHarness(ServiceProvider provider, FakeTimeProvider time)
    {
        _provider = provider;
        Time = time;
        Harness = provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<AccountSyncStateMachine, AccountSyncState>();
    }

    public ITestHarness Harness { get; }
    public ISagaStateMachineTestHarness<AccountSyncStateMachine, AccountSyncState> Saga { get; }
    public FakeTimeProvider Time { get; }
    public IServiceProvider Services => _provider;

    public static async Task<SagaHarness> StartAsync(string connectionString, Action<SagaOptions>? configure = null, FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddDbContextFactory<SyncDbContext>(o => StorageRegistration.Configure(o, connectionString))
            .AddAccountSyncSagaServices();
        services.AddOptions<SagaOptions>().Configure(o => configure?.Invoke(o));
        services.AddMassTransitTestHarness(x =>
        {
            x.AddAccountSyncSaga();
            x.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(3));
        });

        var provider = services.BuildServiceProvider(validateScopes: true);
        var harness = new SagaHarness(provider, time);
        await harness.Harness.Start();
        return harness;
    }

    public async Task<AccountSyncState?> Load(string accountId)
    {
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
