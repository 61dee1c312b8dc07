using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>Two harnesses on one database: two orchestrator processes racing on the same saga rows (optimistic concurrency on xmin).</summary>
public class When_two_orchestrators_share_the_database(MigratedDatabase database) : PostgresSagaSpec(database)
{
    [Fact]
    public async Task Should_count_fifty_concurrent_duplicates_of_a_batch_answer_once()
    {
        await using var other = await AnotherOrchestrator();
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 3, "c1", "c2", "c3");
        await PagesHandled(1);
        var batch = Batches().First(b => b.Level == EntityLevel.Campaign);

        var answer = new InsightsBatchFetched(runId, Account, batch.BatchId, Rows: 3, GraphCalls: 1);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? Sut : other).Harness.Bus.Publish(answer)));

        await Task.WhenAll(AnswersHandled(Sut, 25), AnswersHandled(other, 25));
        var state = await Saga();
        Assert.Equal((1, InsightReadStatus.Succeeded), (state.BatchesSucceeded, state.Ledger.Insights[batch.BatchId].Status));
        Assert.Equal(2, state.GraphCalls);
        Assert.True(other.Saga.Consumed.Select<InsightsBatchFetched>(m => m.Context.Message.AccountId == Account).Any(),
            "the second orchestrator took part");

        Task AnswersHandled(SagaHarness h, int count) => h.Harness.Consumed<InsightsBatchFetched>(count, m => m.AccountId == Account);
    }

    [Fact]
    public async Task Should_record_every_page_when_the_events_of_a_run_alternate_between_them()
    {
        await using var other = await AnotherOrchestrator();
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: false, count: 2, "c1");
        await PagesHandled(1);

        // The other orchestrator records a page after this one wrote (and remembered) the row.
        await other.Harness.Bus.Publish(new EntitiesFetched(runId, Account, EntityLevel.Campaign, 2, IsLastPage: false, Count: 2, ["c2"], GraphCalls: 1, Guid.Empty));
        await other.Harness.Consumed<EntitiesFetched>(1, m => m.AccountId == Account);

        // This one's remembered row is out of date now: the page must be added to the row as committed, not to its copy.
        await Page(runId, EntityLevel.Campaign, 3, last: true, count: 2, "c3");
        await Eventually.TrueAsync(async () => (await Saga()).Campaigns == 6, "all three pages of campaigns counted");
        var pages = (await Saga()).Ledger.Entities.Values.Single(p => p.Level == EntityLevel.Campaign).Attempts.Values.Single().Pages.Keys;
        Assert.Equal([1, 2, 3], pages.Order());
    }

    [Fact]
    public async Task Should_create_one_instance_and_one_run_when_two_first_requests_race()
    {
        await using var other = await AnotherOrchestrator();
        var account = "act_" + Random.Shared.NextInt64(100_000_000, 999_999_999);

        var responses = await Task.WhenAll(
            Ask(Sut, account, Guid.NewGuid()),
            Ask(other, account, Guid.NewGuid()));

        Assert.Equal(1, responses.Count(r => !r.Deduplicated));
        Assert.Single(responses.Select(r => r.RunId).Distinct());
        Assert.Equal(1L, await Database.CountAsync($"SELECT count(*) FROM account_syncs WHERE account_id = '{account}'"));
    }

    static async Task<SyncAccepted> Ask(SagaHarness harness, string account, Guid runId)
    {
        var client = harness.Harness.GetRequestClient<SyncAccountRequested>();
        var response = await client.GetResponse<SyncAccepted>(
            new SyncAccountRequested(account, runId, "last_7d", SyncTrigger.Manual, Force: false, DateTimeOffset.UtcNow));
        return response.Message;
    }
}
