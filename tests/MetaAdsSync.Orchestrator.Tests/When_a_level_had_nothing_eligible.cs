using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Storage;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>A level whose last complete read found nothing eligible for insights holds its insight read until a page names an eligible id.</summary>
public class When_a_level_had_nothing_eligible : SagaSpec
{
    static readonly EntityLevel[] Levels = [EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad];

    /// <summary>Every level read fully two days ago; one active campaign, no active ad set or ad.</summary>
    void KnowTheShape(bool readBefore = true) => Sut.Shapes.Know(Account, AccountShape.Empty with
    {
        Campaigns = [new CampaignShape("c1", true, 2, 0, 3, 0), new CampaignShape("c2", false, 1, 0, 1, 0)],
        LevelsReadAt = readBefore ? Levels.ToDictionary(l => l, _ => Sut.Time.GetUtcNow().AddDays(-2)) : new Dictionary<EntityLevel, DateTimeOffset>(),
    });

    async Task<Guid> StartHeldRun()
    {
        KnowTheShape();
        var runId = await StartRun(force: true);
        await Published<FetchInsightsBatch>(m => m.RunId == runId);
        return runId;
    }

    Task PageOf(Guid runId, EntityLevel level, int page, bool last, params string[] eligible)
    {
        var read = Fetches(runId).Single(f => f.Level == level);
        return Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, level, page, last, Math.Max(1, eligible.Length), eligible, GraphCalls: 1, Guid.Empty,
            PartitionId: read.PartitionId));
    }

    [Fact]
    public async Task Should_read_only_the_insights_of_levels_with_something_eligible_and_end_without_the_others()
    {
        var runId = await StartHeldRun();

        Assert.Equal([EntityLevel.Campaign], Batches().Select(b => b.Level));
        var plan = (await Saga()).Plan!;
        Assert.Equal(["AdSet", "Ad"], plan.HeldInsightLevels!);
        Assert.Equal(["Campaign"], plan.InsightPartitions.Keys);

        await PageOf(runId, EntityLevel.Campaign, 1, last: true, "c1");
        await PageOf(runId, EntityLevel.AdSet, 1, last: true);
        await PageOf(runId, EntityLevel.Ad, 1, last: true);
        await AnswerInsights(runId);

        var (state, run) = await Ended(runId);
        Assert.Equal(("Completed", 1), (state.Outcome, run.InsightBatches));
        Assert.Equal([EntityLevel.Campaign], Batches().Select(b => b.Level));
    }

    [Fact]
    public async Task Should_read_a_held_level_once_a_page_names_an_eligible_id_and_wait_for_its_answer()
    {
        var runId = await StartHeldRun();

        await PageOf(runId, EntityLevel.Ad, 1, last: false, "a7");
        await Published<FetchInsightsBatch>(m => m.RunId == runId && m.Level == EntityLevel.Ad);
        // The same page again, and a later page naming another: still one read of the level.
        await PageOf(runId, EntityLevel.Ad, 1, last: false, "a7");
        await PageOf(runId, EntityLevel.Ad, 2, last: true, "a9");
        await PageOf(runId, EntityLevel.Campaign, 1, last: true, "c1");
        await PageOf(runId, EntityLevel.AdSet, 1, last: true);
        await PagesHandled(5);

        var ads = Assert.Single(Batches(), b => b.Level == EntityLevel.Ad);
        Assert.Equal((PartitionKind.WholeLevel, AccountCorrelation.Batch(runId, "Ad/held", 0)), (ads.Partition.Kind, ads.BatchId));
        Assert.DoesNotContain(Batches(), b => b.Level == EntityLevel.AdSet);
        var state = await Saga();
        Assert.Equal(("FetchingInsights", 1), (state.CurrentState, state.Plan!.InsightPartitions["Ad"]));

        await AnswerInsights(runId);
        var (ended, run) = await Ended(runId);
        Assert.Equal(("Completed", 2), (ended.Outcome, run.InsightBatches));
        Assert.Equal([EntityLevel.Campaign, EntityLevel.Ad], run.InsightLevelsRead);
    }

    [Fact]
    public async Task Should_send_a_held_read_again_when_the_run_stalls_before_its_answer()
    {
        var runId = await StartHeldRun();
        await PageOf(runId, EntityLevel.AdSet, 1, last: true, "s1");
        await Published<FetchInsightsBatch>(m => m.RunId == runId && m.Level == EntityLevel.AdSet);

        await Stall(runId);

        Assert.Equal(2, Batches().Count(b => b.Level == EntityLevel.AdSet));
    }

    [Fact]
    public async Task Should_hold_nothing_for_a_level_never_read_completely()
    {
        KnowTheShape(readBefore: false);
        var runId = await StartRun();
        await Published<FetchInsightsBatch>(m => m.RunId == runId);

        Assert.Equal(Levels, Batches().Select(b => b.Level));
        Assert.Null((await Saga()).Plan!.HeldInsightLevels);
    }
}
