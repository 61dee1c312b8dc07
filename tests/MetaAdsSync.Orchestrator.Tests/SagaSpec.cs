using System.Linq.Expressions;
using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>
/// What every saga spec needs: a harness (in memory unless a spec of the PostgreSQL repository says otherwise),
/// a fresh account, and short-hands for events.
/// </summary>
public abstract class SagaSpec : IAsyncLifetime
{
    protected SagaHarness Sut { get; private set; } = null!;
    protected string Account { get; } = "act_" + Random.Shared.NextInt64(100_000_000, 999_999_999);
    protected Guid Correlation => AccountCorrelation.For(Account);

    public async Task InitializeAsync() => Sut = await StartHarness(Configure);

    public async Task DisposeAsync() => await Sut.DisposeAsync();

    protected virtual Task<SagaHarness> StartHarness(Action<SagaOptions> configure) => SagaHarness.InMemoryAsync(configure);

    protected virtual void Configure(SagaOptions options)
    {
    }

    /// <summary>The API key id every spec's request carries, as the Gateway's do.</summary>
    protected const string KeyId = "spec-key";

    protected async Task<Response<SyncAccepted, SyncRejected>> Request(Guid runId, string preset = "last_7d", string? account = null, bool force = false)
    {
        var client = Sut.Harness.GetRequestClient<SyncAccountRequested>();
        return await client.GetResponse<SyncAccepted, SyncRejected>(
            new SyncAccountRequested(account ?? Account, runId, preset, SyncTrigger.Manual, force, DateTimeOffset.UtcNow, RequestedBy: KeyId));
    }

    protected async Task<Guid> StartRun(bool force = false)
    {
        var runId = Guid.NewGuid();
        var response = await Request(runId, force: force);
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

    /// <summary>The insight reads the saga has published for this account so far.</summary>
    protected List<FetchInsightsBatch> Batches() => Sut.Harness.PublishedSoFar<FetchInsightsBatch>(m => m.AccountId == Account);

    /// <summary>The commands to fetch a level the saga has published for the run so far.</summary>
    protected List<FetchEntities> Fetches(Guid runId) => Sut.Harness.PublishedSoFar<FetchEntities>(m => m.RunId == runId);

    /// <summary>Waits until the saga handled <paramref name="count"/> pages of this account (of any run).</summary>
    protected Task PagesHandled(int count) => Sut.Harness.Consumed<EntitiesFetched>(count, m => m.AccountId == Account);

    protected Task Handled<T>(int count, Func<T, bool> filter) where T : class => Sut.Harness.Consumed(count, filter);

    protected async Task<AccountSyncState> Saga() =>
        await Sut.Load(Account) ?? throw new Xunit.Sdk.XunitException($"No saga for {Account}");

    /// <summary>Waits for the account's saga to be in the state with the run, and returns it.</summary>
    protected async Task<AccountSyncState> InState(Func<AccountSyncStateMachine, State> state, Guid runId)
    {
        var correlation = Correlation;
        Expression<Func<AccountSyncState, bool>> ofTheRun = s => s.CorrelationId == correlation && s.RunId == runId;
        var found = await Sut.Saga.Exists(ofTheRun, state);
        Assert.True(found is { Count: > 0 }, $"The saga of run {runId} never reached {state(Sut.Saga.StateMachine).Name}");
        return await Saga();
    }

    /// <summary>Waits for the run to end; returns the saga and the run as the history received it.</summary>
    protected async Task<(AccountSyncState Saga, FinishedRun Run)> Ended(Guid runId)
    {
        var saga = await InState(m => m.Idle, runId);
        return (saga, Assert.Single(Sut.History.Runs, r => r.RunId == runId));
    }

    protected Task Published<T>(Func<T, bool> filter) where T : class => Sut.Harness.Published(1, filter);

    /// <summary>Reports the run stalled past <c>Sync:StallAfter</c>; returns how many times each partition's command went out.</summary>
    protected async Task<Dictionary<Guid, int>> Stall(Guid runId)
    {
        Sut.Time.Advance(TimeSpan.FromSeconds(31));
        await Sut.Harness.Bus.Publish(new SyncRunStalled(runId, Account, Sut.Time.GetUtcNow()));
        await Handled<SyncRunStalled>(1, m => m.RunId == runId);
        return Fetches(runId).GroupBy(f => f.PartitionId).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Answers every insight read the run has sent so far.</summary>
    protected async Task AnswerInsights(Guid runId, int rows = 1)
    {
        foreach (var batch in Batches().Where(b => b.RunId == runId))
        {
            await BatchDone(runId, batch.BatchId, rows);
        }
    }

    /// <summary>Runs all three levels to their last page, answers the campaign and ad set insight reads and fails the ads one.</summary>
    protected async Task EndPartial(Guid runId, FailureCause? cause = null)
    {
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 1, "c1");
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 1);
        await Page(runId, EntityLevel.Ad, 1, last: true, count: 1);
        await Handled<EntitiesFetched>(3, m => m.RunId == runId);
        var batches = Batches().Where(b => b.RunId == runId).ToList();
        await BatchDone(runId, batches.Single(b => b.Level == EntityLevel.Campaign).BatchId);
        await BatchDone(runId, batches.Single(b => b.Level == EntityLevel.AdSet).BatchId);
        await Sut.Harness.Bus.Publish(new InsightsBatchFailed(runId, Account, batches.Single(b => b.Level == EntityLevel.Ad).BatchId, "throttled", GraphCalls: 2, cause));
    }

    /// <summary>Runs all three levels to their last page with the given eligible ad ids, and answers every insight read.</summary>
    protected async Task CompleteRun(Guid runId, params string[] eligibleAds)
    {
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 2);
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 3);
        await Page(runId, EntityLevel.Ad, 1, last: true, count: 5, eligibleAds);
        await Handled<EntitiesFetched>(3, m => m.RunId == runId);
        foreach (var batch in Batches().Where(b => b.RunId == runId))
        {
            await BatchDone(runId, batch.BatchId);
        }

        await InState(m => m.Idle, runId);
    }
}
