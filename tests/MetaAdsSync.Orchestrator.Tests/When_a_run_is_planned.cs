using MassTransit.Testing;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_run_is_planned(MigratedDatabaseFixture database) : SagaSpec(database)
{
    [Fact]
    public async Task Should_send_one_insight_read_per_level_beside_the_entity_reads_before_any_page()
    {
        var runId = await StartRun();

        await WaitPublished<FetchInsightsBatch>(m => m.Context.Message.RunId == runId);
        var reads = Batches();
        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad], reads.Select(b => b.Level));
        Assert.All(reads, b => Assert.Equal((PartitionKind.WholeLevel, "last_7d"), (b.Partition.Kind, b.DatePreset)));
        Assert.Equal(Enumerable.Range(0, 3).Select(i => AccountCorrelation.Batch(runId, reads[i].Level.ToString(), i)), reads.Select(b => b.BatchId));
        Assert.Equal(3, Sut.Harness.Published.Select<FetchEntities>(m => m.Context.Message.RunId == runId).Count());
    }

    [Fact]
    public async Task Should_end_once_every_level_and_every_insight_read_is_in_whatever_the_order()
    {
        var runId = await StartRun();
        await WaitPublished<FetchInsightsBatch>(m => m.Context.Message.RunId == runId);
        foreach (var read in Batches())
        {
            await BatchDone(runId, read.BatchId);
        }

        await WaitFor(s => s.BatchesSucceeded.Count == 3, "the insight reads");
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 1);
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 1);
        Assert.Equal("FetchingEntities", (await Sut.Load(Account))!.CurrentState);

        await Page(runId, EntityLevel.Ad, 1, last: true, count: 1);

        var state = await WaitFor(s => s.CurrentState == "Idle", "the run to end");
        Assert.Equal("Completed", state.Outcome);
    }

    [Fact]
    public async Task Should_skip_the_insights_of_levels_read_completely_within_the_max_age_unless_forced()
    {
        var first = await StartRun();
        await Page(first, EntityLevel.Campaign, 1, last: true, count: 1);
        await Page(first, EntityLevel.AdSet, 1, last: true, count: 1);
        await Page(first, EntityLevel.Ad, 1, last: true, count: 1);
        await WaitFor(s => s.LevelsDone.Count == 3, "all levels");
        var firstReads = Batches();
        await BatchDone(first, firstReads[0].BatchId);
        await BatchDone(first, firstReads[1].BatchId);
        await Sut.Harness.Bus.Publish(new InsightsBatchFailed(first, Account, firstReads[2].BatchId, "throttled", GraphCalls: 1));
        await WaitFor(s => s.CurrentState == "Idle", "the first run to end");

        Sut.Time.Advance(TimeSpan.FromMinutes(59));
        var second = await StartRun();
        await WaitPublished<FetchInsightsBatch>(m => m.Context.Message.RunId == second);
        Assert.Equal([EntityLevel.Ad], Batches().Where(b => b.RunId == second).Select(b => b.Level));

        await CompleteRun(second);
        var forced = await StartRun(force: true);
        await WaitPublished<FetchInsightsBatch>(m => m.Context.Message.RunId == forced);
        Assert.Equal(3, Batches().Count(b => b.RunId == forced));
        await CompleteRun(forced);

        Sut.Time.Advance(TimeSpan.FromMinutes(61));
        var later = await StartRun();
        await WaitPublished<FetchInsightsBatch>(m => m.Context.Message.RunId == later);
        Assert.Equal(3, Batches().Count(b => b.RunId == later));
    }

    [Fact]
    public async Task Should_complete_without_insight_reads_when_every_level_is_fresh()
    {
        var first = await StartRun();
        await CompleteRun(first);

        var second = await StartRun();
        await Page(second, EntityLevel.Campaign, 1, last: true, count: 1);
        await Page(second, EntityLevel.AdSet, 1, last: true, count: 1);
        await Page(second, EntityLevel.Ad, 1, last: true, count: 1);

        var state = await WaitFor(s => s.CurrentState == "Idle" && s.RunId == second, "the second run to end");
        Assert.Equal(("Completed", 0), (state.Outcome, state.BatchesSent));
        Assert.DoesNotContain(Batches(), b => b.RunId == second);
    }
}
