using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Planning;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_level_is_read_in_partitions : SagaSpec
{
    /// <summary>900 ads last time (more than a 500-row page) in four campaigns, one of them empty; few ad sets.</summary>
    void KnowTheShape() => Sut.Shapes.Know(Account, AccountShape.Empty with
    {
        Campaigns =
        [
            new CampaignShape("c1", true, 1, 0, 400, 0),
            new CampaignShape("c2", true, 1, 0, 300, 0),
            new CampaignShape("c3", true, 1, 0, 200, 0),
            new CampaignShape("c4", true, 1, 0, 0, 0),
        ],
    });

    async Task<(Guid RunId, List<FetchEntities> Ads)> StartPartitionedRun()
    {
        KnowTheShape();
        var runId = await StartRun();
        await Published<FetchInsightsBatch>(m => m.RunId == runId);
        return (runId, Fetches(runId).Where(f => f.Level == EntityLevel.Ad).ToList());
    }

    Task PartitionPage(Guid runId, FetchEntities partition, int page, bool last, int count, Guid attempt = default) =>
        Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, partition.Level, page, last, count, [], GraphCalls: 1, attempt, PartitionId: partition.PartitionId));

    /// <summary>A page of the run's campaign read, listing <paramref name="ids"/>.</summary>
    Task CampaignPage(Guid runId, int page, bool last, string[] ids, Guid attempt = default)
    {
        var read = Fetches(runId).First(f => f.Level == EntityLevel.Campaign);
        return Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, EntityLevel.Campaign, page, last, ids.Length, [], GraphCalls: 1,
            attempt, PartitionId: read.PartitionId, CampaignIds: ids));
    }

    static readonly string[] KnownCampaigns = ["c1", "c2", "c3", "c4"];

    [Fact]
    public async Task Should_send_a_partition_per_page_of_campaigns_and_no_remainder()
    {
        var (runId, ads) = await StartPartitionedRun();

        Assert.Equal([PartitionKind.Campaigns, PartitionKind.Campaigns], ads.Select(f => f.Reads().Kind));
        Assert.Equal(KnownCampaigns, ads.SelectMany(f => f.Reads().CampaignIds).Order());
        Assert.Equal(2, ads.Select(f => f.PartitionId).Distinct().Count());
        // One partition of the level looks up why objects left, so that two do not ask Meta for the same ids.
        Assert.Equal([true, false], ads.Select(f => f.LooksUpRemovals));
        Assert.All(Fetches(runId).Where(f => f.Level != EntityLevel.Ad), f => Assert.Equal(PartitionKind.WholeLevel, f.Reads().Kind));

        var plan = (await Saga()).Plan!;
        Assert.Equal((1, 1, 2), (plan.EntityPartitions["Campaign"], plan.EntityPartitions["AdSet"], plan.EntityPartitions["Ad"]));
    }

    [Fact]
    public async Task Should_count_the_level_read_only_once_every_partition_is_done()
    {
        var (runId, ads) = await StartPartitionedRun();
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 4);
        await PartitionPage(runId, ads[0], 1, last: true, count: 401);
        // The second partition itself pages; its last page comes first.
        await PartitionPage(runId, ads[1], 2, last: true, count: 10);
        await PagesHandled(3);
        var state = await Saga();
        Assert.Equal(("FetchingEntities", 411), (state.CurrentState, state.Ads));

        await PartitionPage(runId, ads[1], 1, last: false, count: 490);
        await CampaignPage(runId, 1, last: true, KnownCampaigns);
        state = await InState(m => m.FetchingInsights, runId);
        Assert.Equal(901, state.Ads);
        // Campaigns, ad sets and the two partitions of ads: no campaign was created since, so nothing added.
        Assert.Equal(4, Fetches(runId).Count);
    }

    [Fact]
    public async Task Should_read_the_campaigns_created_since_the_plan_once_the_campaign_read_names_them()
    {
        var (runId, ads) = await StartPartitionedRun();
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 5);
        foreach (var partition in ads)
        {
            await PartitionPage(runId, partition, 1, last: true, count: 450);
        }

        await PagesHandled(3);
        await CampaignPage(runId, 1, last: true, [.. KnownCampaigns, "c6", "c5"]);
        await PagesHandled(4);

        var added = Fetches(runId).Where(f => f.Level == EntityLevel.Ad).Skip(2).ToList();
        var read = Assert.Single(added);
        Assert.Equal(PartitionKind.Campaigns, read.Reads().Kind);
        Assert.Equal(["c5", "c6"], read.Reads().CampaignIds);
        Assert.False(read.LooksUpRemovals);
        Assert.Equal("FetchingEntities", (await Saga()).CurrentState);

        // The campaign page again, and another attempt's page listing the same campaigns: nothing added twice.
        await CampaignPage(runId, 1, last: true, [.. KnownCampaigns, "c6", "c5"]);
        await CampaignPage(runId, 1, last: true, ["c5"], attempt: Guid.NewGuid());
        await PagesHandled(6);
        Assert.Equal(3, Fetches(runId).Count(f => f.Level == EntityLevel.Ad));

        await PartitionPage(runId, read, 1, last: true, count: 7);
        var state = await InState(m => m.FetchingInsights, runId);
        Assert.Equal(907, state.Ads);
    }

    [Fact]
    public async Task Should_read_the_insights_of_campaigns_created_since_when_insights_are_read_in_partitions()
    {
        Sut.Shapes.Know(Account, AccountShape.Empty with
        {
            Campaigns = [new CampaignShape("c1", true, 1, 1, 400, 400), new CampaignShape("c2", true, 1, 1, 300, 300)],
        });
        var runId = await StartRun();
        await Published<FetchInsightsBatch>(m => m.RunId == runId);
        var planned = Batches().Where(b => b.RunId == runId && b.Level == EntityLevel.Ad).ToList();
        Assert.Equal(2, planned.Count);

        await CampaignPage(runId, 1, last: true, ["c1", "c2", "c3"]);
        await PagesHandled(1);

        var read = Assert.Single(Batches().Where(b => b.RunId == runId && b.Level == EntityLevel.Ad).Skip(2));
        Assert.Equal(PartitionKind.Campaigns, read.Partition.Kind);
        Assert.Equal(["c3"], read.Partition.CampaignIds);
        // Campaign and ad set insights are read whole (no addition): two planned partitions of ads, and the one added.
        Assert.Equal(2 + 2 + 1, (await Saga()).BatchesSent);
    }

    [Fact]
    public async Task Should_record_a_redelivered_page_of_a_partition_once()
    {
        var (runId, ads) = await StartPartitionedRun();
        for (var i = 0; i < 3; i++)
        {
            await PartitionPage(runId, ads[0], 1, last: false, count: 250);
        }

        await PagesHandled(3);
        var state = await Saga();
        Assert.Equal((250, 1L), (state.Ads, state.Sequence));
    }

    [Fact]
    public async Task Should_drop_a_page_without_a_partition_when_its_level_is_read_in_partitions()
    {
        var (runId, _) = await StartPartitionedRun();

        // A fetcher of the older shape read the whole level: its page belongs to no partition of this plan.
        await Page(runId, EntityLevel.Ad, 1, last: true, count: 900);
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 4);

        await PagesHandled(2);
        var state = await Saga();
        Assert.Equal((0, 4, 1L), (state.Ads, state.AdSets, state.Sequence));
    }

    [Fact]
    public async Task Should_re_drive_only_the_partitions_not_done()
    {
        var (runId, ads) = await StartPartitionedRun();
        await CampaignPage(runId, 1, last: true, KnownCampaigns);
        await PartitionPage(runId, ads[0], 1, last: true, count: 400);
        await PagesHandled(2);

        var sent = await Stall(runId);
        Assert.Equal(1, sent[ads[0].PartitionId]);
        Assert.Equal(2, sent[ads[1].PartitionId]);
        Assert.Equal(1, sent[Fetches(runId).First(f => f.Level == EntityLevel.Campaign).PartitionId]);
        Assert.Equal(2, sent[Fetches(runId).First(f => f.Level == EntityLevel.AdSet).PartitionId]);
    }

    [Fact]
    public async Task Should_hand_the_level_read_in_partitions_to_the_history_to_mark_when_the_run_ends()
    {
        var (runId, ads) = await StartPartitionedRun();
        await CampaignPage(runId, 1, last: true, KnownCampaigns);
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 4);
        foreach (var partition in ads)
        {
            await PartitionPage(runId, partition, 1, last: true, count: 450);
        }

        await PagesHandled(4);
        foreach (var read in Batches().Where(b => b.RunId == runId))
        {
            await BatchDone(runId, read.BatchId);
        }

        var (_, run) = await Ended(runId);
        Assert.Equal((SyncOutcome.Completed, 900), (run.Outcome, run.Ads));
        Assert.Equal([EntityLevel.Ad], run.EntityLevelsReadInPartitions!);
        Assert.Equal(2, run.Plan!.EntityPartitions["Ad"]);
    }
}
