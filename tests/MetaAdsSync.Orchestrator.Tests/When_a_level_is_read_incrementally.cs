using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Planning;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_level_is_read_incrementally : SagaSpec
{
    static readonly EntityLevel[] Levels = [EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad];

    DateTimeOffset Now => Sut.Time.GetUtcNow();

    /// <summary>Every level last read fully two hours ago (past Sync:EntityMaxAge, within Sync:FullReadEvery), and read since by a run 90 minutes ago.</summary>
    AccountShape ReadBefore() => AccountShape.Empty with
    {
        Campaigns = [new CampaignShape("c1", true, 2, 2, 600, 600), new CampaignShape("c2", true, 2, 2, 600, 600)],
        LevelsReadAt = Levels.ToDictionary(l => l, _ => Now.AddHours(-2)),
        LevelsLastRead = Levels.ToDictionary(l => l, _ => Now.AddMinutes(-90)),
    };

    async Task<(Guid RunId, Dictionary<EntityLevel, List<FetchEntities>> Reads)> StartRun(AccountShape shape, bool force = false)
    {
        Sut.Shapes.Know(Account, shape);
        var runId = await StartRun(force);
        await Published<FetchInsightsBatch>(m => m.RunId == runId);
        return (runId, Fetches(runId).GroupBy(f => f.Level).ToDictionary(g => g.Key, g => g.ToList()));
    }

    Task PageOf(Guid runId, FetchEntities read, int count, string[]? statusChanged = null, int page = 1, bool last = true) =>
        Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, read.Level, page, last, count, [], GraphCalls: 1, Guid.Empty,
            PartitionId: read.PartitionId, StatusChangedIds: statusChanged));

    [Fact]
    public async Task Should_read_each_level_whole_with_what_changed_since_its_last_read_less_the_margin()
    {
        var (_, reads) = await StartRun(ReadBefore());

        foreach (var level in Levels)
        {
            var read = Assert.Single(reads[level]);
            Assert.Equal(PartitionKind.WholeLevel, read.Reads().Kind);
            Assert.Equal(Now.AddMinutes(-90) - TimeSpan.FromMinutes(10), read.UpdatedSince);
        }

        Assert.Equal(["Campaign", "AdSet", "Ad"], (await Saga()).Plan!.IncrementalLevels!);
    }

    [Fact]
    public async Task Should_read_fully_a_level_never_read_read_fully_too_long_ago_or_below_a_level_a_failed_run_left_unsettled()
    {
        var shape = ReadBefore();
        var (_, reads) = await StartRun(shape with
        {
            // Campaigns: last full read 25 h ago (Sync:FullReadEvery is 24 h); ad sets: read incrementally; ads: below unsettled ad sets.
            LevelsReadAt = new Dictionary<EntityLevel, DateTimeOffset>(shape.LevelsReadAt) { [EntityLevel.Campaign] = Now.AddHours(-25) },
            Unsettled = new HashSet<EntityLevel> { EntityLevel.AdSet },
        });

        Assert.Null(Assert.Single(reads[EntityLevel.Campaign]).UpdatedSince);
        Assert.NotNull(Assert.Single(reads[EntityLevel.AdSet]).UpdatedSince);
        // A full read of 1,200 ads is cut by campaign again.
        Assert.True(reads[EntityLevel.Ad].Count > 1);
        Assert.All(reads[EntityLevel.Ad], r => Assert.Null(r.UpdatedSince));
    }

    [Fact]
    public async Task Should_read_every_level_fully_when_forced()
    {
        var (_, forced) = await StartRun(ReadBefore(), force: true);
        Assert.All(forced.Values.SelectMany(r => r), r => Assert.Null(r.UpdatedSince));
        Assert.Null((await Saga()).Plan!.IncrementalLevels);
    }

    [Fact]
    public async Task Should_re_read_the_children_of_parents_whose_status_changed_before_the_level_is_done()
    {
        var (runId, reads) = await StartRun(ReadBefore());
        var campaigns = reads[EntityLevel.Campaign][0];
        await PageOf(runId, campaigns, 2, ["c2", "c1"]);
        // Redelivered: adds nothing.
        await PageOf(runId, campaigns, 2, ["c2", "c1"]);
        await PagesHandled(2);

        var added = Fetches(runId).Where(f => f.UpdatedSince is null).ToList();
        Assert.Equal(2, added.Count);
        Assert.All(added, f => Assert.Equal(PartitionKind.Campaigns, f.Reads().Kind));
        Assert.All(added, f => Assert.Equal(["c1", "c2"], f.Reads().CampaignIds));
        Assert.Equal([EntityLevel.AdSet, EntityLevel.Ad], added.Select(f => f.Level).Order());

        // The incremental ad set read names a changed ad set: its ads are read by adset.id; the added partition's own changes add nothing more.
        await PageOf(runId, reads[EntityLevel.AdSet][0], 3, ["s9"]);
        var childrenOfCampaigns = added.Single(f => f.Level == EntityLevel.AdSet);
        await PageOf(runId, childrenOfCampaigns, 4, ["s1", "s2"]);
        await PageOf(runId, reads[EntityLevel.Ad][0], 5);
        await PagesHandled(5);
        var byAdSet = Assert.Single(Fetches(runId), f => f.Reads().Kind == PartitionKind.AdSets);
        Assert.Equal(EntityLevel.Ad, byAdSet.Level);
        Assert.Equal(["s9"], byAdSet.Reads().CampaignIds);
        Assert.Equal(6, Fetches(runId).Count);

        // Every incremental read is done; the ads of the changed campaign and ad set are not yet.
        Assert.Equal("FetchingEntities", (await Saga()).CurrentState);
        await PageOf(runId, added.Single(f => f.Level == EntityLevel.Ad), 40);
        await PageOf(runId, byAdSet, 7);
        await PagesHandled(7);
        await InState(m => m.FetchingInsights, runId);
        foreach (var batch in Batches().Where(b => b.RunId == runId))
        {
            await BatchDone(runId, batch.BatchId);
        }

        var (_, run) = await Ended(runId);
        // Read in several partitions, but incrementally: nothing is complete for removals.
        Assert.Empty(run.EntityLevelsReadInPartitions!);
        Assert.Equal(Levels, run.LevelsRead!);
    }

    [Fact]
    public async Task Should_add_no_child_reads_when_the_levels_below_are_read_fully()
    {
        var (runId, reads) = await StartRun(ReadBefore(), force: true);
        await PageOf(runId, reads[EntityLevel.Campaign][0], 2, ["c1"]);
        await PagesHandled(1);

        Assert.Equal(reads.Values.Sum(r => r.Count), Fetches(runId).Count);
    }
}
