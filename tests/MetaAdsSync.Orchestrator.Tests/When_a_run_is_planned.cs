using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_run_is_planned : SagaSpec
{
    [Fact]
    public async Task Should_send_one_insight_read_per_level_beside_the_entity_reads_before_any_page()
    {
        var runId = await StartRun();

        await Published<FetchInsightsBatch>(m => m.RunId == runId);
        var reads = Batches();
        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad], reads.Select(b => b.Level));
        Assert.All(reads, b => Assert.Equal((PartitionKind.WholeLevel, "last_7d"), (b.Partition.Kind, b.DatePreset)));
        Assert.Equal(Enumerable.Range(0, 3).Select(i => AccountCorrelation.Batch(runId, reads[i].Level.ToString(), i)), reads.Select(b => b.BatchId));
        Assert.Equal(3, Fetches(runId).Count);
    }

    [Fact]
    public async Task Should_end_once_every_level_and_every_insight_read_is_in_whatever_the_order()
    {
        var runId = await StartRun();
        await Published<FetchInsightsBatch>(m => m.RunId == runId);
        foreach (var read in Batches())
        {
            await BatchDone(runId, read.BatchId);
        }

        await Handled<InsightsBatchFetched>(3, m => m.RunId == runId);
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 1);
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 1);
        await PagesHandled(2);
        Assert.Equal("FetchingEntities", (await Saga()).CurrentState);

        await Page(runId, EntityLevel.Ad, 1, last: true, count: 1);

        var (state, _) = await Ended(runId);
        Assert.Equal("Completed", state.Outcome);
    }

    [Fact]
    public async Task Should_skip_the_insights_of_levels_read_completely_within_the_max_age_unless_forced()
    {
        var first = await StartRun();
        await EndPartial(first);
        await Ended(first);

        Sut.Time.Advance(TimeSpan.FromMinutes(59));
        var second = await StartRun();
        await Published<FetchInsightsBatch>(m => m.RunId == second);
        Assert.Equal([EntityLevel.Ad], Batches().Where(b => b.RunId == second).Select(b => b.Level));

        await CompleteRun(second);
        var forced = await StartRun(force: true);
        await Published<FetchInsightsBatch>(m => m.RunId == forced);
        Assert.Equal(3, Batches().Count(b => b.RunId == forced));
        await CompleteRun(forced);

        Sut.Time.Advance(TimeSpan.FromMinutes(61));
        var later = await StartRun();
        await Published<FetchInsightsBatch>(m => m.RunId == later);
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

        var (state, run) = await Ended(second);
        Assert.Equal(("Completed", 0), (state.Outcome, run.InsightBatches));
        Assert.DoesNotContain(Batches(), b => b.RunId == second);
    }
}
