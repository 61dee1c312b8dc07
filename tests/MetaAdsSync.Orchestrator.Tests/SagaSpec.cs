using System.Diagnostics;
using MassTransit;
using MassTransit.Testing;
using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>What every saga spec needs: a harness on the class's database, a fresh account, and short-hands for events.</summary>
public abstract class SagaSpec(MigratedDatabaseFixture database) : IClassFixture<MigratedDatabaseFixture>, IAsyncLifetime
{
    protected SagaHarness Sut { get; private set; } = null!;
    protected string Account { get; } = "act_" + Random.Shared.NextInt64(100_000_000, 999_999_999);
    protected Guid Correlation => AccountCorrelation.For(Account);
    protected string ConnectionString => database.ConnectionString;

    public async Task InitializeAsync() => Sut = await SagaHarness.StartAsync(database.ConnectionString, Configure);

    public async Task DisposeAsync() => await Sut.DisposeAsync();

    protected virtual void Configure(SagaOptions options)
    {
    }

    /// <summary>The API key id every spec's request carries, as the Gateway's do.</summary>
    protected const string KeyId = "spec-key";

    protected async Task<Response<SyncAccepted, SyncRejected>> Request(Guid runId, string preset = "last_7d", string? account = null)
    {
        var client = Sut.Harness.GetRequestClient<SyncAccountRequested>();
        return await client.GetResponse<SyncAccepted, SyncRejected>(
            new SyncAccountRequested(account ?? Account, runId, preset, SyncTrigger.Manual, Force: false, DateTimeOffset.UtcNow, RequestedBy: KeyId));
    }

    protected async Task<Guid> StartRun()
    {
        var runId = Guid.NewGuid();
        var response = await Request(runId);
        Assert.True(response.Is(out Response<SyncAccepted>? accepted));
        Assert.Equal(runId, accepted!.Message.RunId);
        return runId;
    }

    protected Task Page(Guid runId, EntityLevel level, int page, bool last, int count, params string[] eligible) =>
        Page(runId, Guid.Empty, level, page, last, count, eligible);

    /// <summary>A page of one attempt (one delivery of FetchEntities) at the level.</summary>
    protected Task Page(Guid runId, Guid attempt, EntityLevel level, int page, bool last, int count, params string[] eligible) =>
        Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, level, page, last, count, eligible, GraphCalls: 1, attempt));

    protected Task BatchDone(Guid runId, Guid batchId, int rows = 1) =>
        Sut.Harness.Bus.Publish(new InsightsBatchFetched(runId, Account, batchId, rows, GraphCalls: 1));

    /// <summary>The insight batches the saga has published for this account so far.</summary>
    protected List<FetchInsightsBatch> Batches() =>
        Sut.Harness.Published.Select<FetchInsightsBatch>(m => m.Context.Message.AccountId == Account).Select(m => m.Context.Message).ToList();

    protected async Task<AccountSyncState> WaitFor(Func<AccountSyncState, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        AccountSyncState? state = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            state = await Sut.Load(Account);
            if (state is not null && condition(state))
            {
                return state;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; state: {state?.CurrentState} pages [{string.Join(",", state?.PagesSeen ?? [])}]");
    }

    /// <summary>Waits for the saga to publish a matching message (it leaves through the outbox after the commit).</summary>
    protected async Task WaitPublished<T>(Func<IPublishedMessage<T>, bool> filter) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (!Sut.Harness.Published.Select<T>(m => filter(m)).Any())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} was published");
            }

            await Task.Delay(50);
        }
    }

    protected async Task WaitConsumed<T>(int count, Func<T, bool>? filter = null) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (Sut.Saga.Consumed.Select<T>(m => filter?.Invoke(m.Context.Message) ?? true).Count() < count)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new Xunit.Sdk.XunitException($"Only {Sut.Saga.Consumed.Select<T>().Count()} {typeof(T).Name} consumed, {count} expected");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Runs all three levels to their last page with the given eligible ad ids, and answers every batch.</summary>
    protected async Task CompleteRun(Guid runId, params string[] eligibleAds)
    {
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 2);
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 3);
        await Page(runId, EntityLevel.Ad, 1, last: true, count: 5, eligibleAds);
        await WaitFor(s => s.LevelsDone.Count == 3, "all levels done");
        foreach (var batch in Batches().Where(b => b.RunId == runId))
        {
            await BatchDone(runId, batch.BatchId);
        }

        await WaitFor(s => s.CurrentState == "Idle", "the run to end");
    }
}
