using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>
/// A first sync knows no shape: its ads wait for the campaign read, and each campaign page's campaigns are cut by count
/// into partitions read at once (at most the key's allowed concurrency at the gate; 4 before its first call).
/// </summary>
public class When_a_first_sync_reads_ads_by_campaign : SagaSpec
{
    protected override void Configure(SagaOptions options) => options.FirstSyncMaxPartitions = 16;

    static string[] Campaigns(int from, int count) => Enumerable.Range(from, count).Select(i => $"c{i:00}").ToArray();

    async Task<Guid> StartFirstSync()
    {
        var runId = await StartRun();
        await Published<FetchInsightsBatch>(m => m.RunId == runId);
        return runId;
    }

    Task CampaignPage(Guid runId, int page, bool last, string[] ids, Guid attempt = default) =>
        Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, EntityLevel.Campaign, page, last, ids.Length, [], GraphCalls: 1,
            attempt, PartitionId: Fetches(runId).Single(f => f.Level == EntityLevel.Campaign).PartitionId, CampaignIds: ids));

    Task PartitionPage(Guid runId, FetchEntities partition, int count) =>
        Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, partition.Level, 1, true, count, [], GraphCalls: 1, Guid.Empty, PartitionId: partition.PartitionId));

    List<FetchEntities> Ads(Guid runId) => Fetches(runId).Where(f => f.Level == EntityLevel.Ad).ToList();

    [Fact]
    public async Task Should_send_no_ads_read_until_the_campaign_read_names_campaigns()
    {
        var runId = await StartFirstSync();

        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet], Fetches(runId).Select(f => f.Level).Order());
        Assert.All(Fetches(runId), f => Assert.Equal(PartitionKind.WholeLevel, f.Reads().Kind));
        // Insights need no entity ids: all three levels go out at the start, whole.
        Assert.Equal(3, Batches().Count(b => b.RunId == runId && b.Partition.Kind == PartitionKind.WholeLevel));
        var plan = (await Saga()).Plan!;
        Assert.Equal(["Ad"], plan.ByCampaignLevels!);
        Assert.False(plan.EntityPartitions.ContainsKey("Ad"));
    }

    [Fact]
    public async Task Should_cut_the_campaigns_of_a_page_by_count_into_as_many_partitions_as_the_key_may_have_calls_in_flight()
    {
        var runId = await StartFirstSync();
        var planned = (await Saga()).Plan!.CallsPlanned;

        await CampaignPage(runId, 1, last: true, Campaigns(1, 10));
        await PagesHandled(1);

        var ads = Ads(runId);
        Assert.Equal(4, ads.Count);
        Assert.All(ads, f => Assert.Equal(PartitionKind.Campaigns, f.Reads().Kind));
        Assert.All(ads, f => Assert.InRange(f.Reads().CampaignIds.Count, 2, 3));
        // Every campaign in exactly one partition.
        Assert.Equal(Campaigns(1, 10), ads.SelectMany(f => f.Reads().CampaignIds).Order());
        Assert.Equal([true, false, false, false], ads.Select(f => f.LooksUpRemovals));
        var plan = (await Saga()).Plan!;
        Assert.Equal(4, plan.EntityPartitions["Ad"]);
        // The plan counted one call for a whole read of ads; each partition beyond it costs one more at least.
        Assert.Equal(planned + 3, plan.CallsPlanned);
    }

    [Fact]
    public async Task Should_cut_no_more_partitions_than_the_key_allows()
    {
        Sut.Shapes.Know(Account, AccountShape.Empty with { Entities = new AccountRoom(AllowedConcurrency: 2, UsagePercent: 5) });
        var runId = await StartFirstSync();

        await CampaignPage(runId, 1, last: true, Campaigns(1, 7));
        await PagesHandled(1);

        Assert.Equal([3, 4], Ads(runId).Select(f => f.Reads().CampaignIds.Count).Order());
    }

    [Fact]
    public async Task Should_not_finish_before_the_partitions_the_campaign_read_added_are_done()
    {
        var runId = await StartFirstSync();
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 6);
        await AnswerInsights(runId);

        await CampaignPage(runId, 1, last: true, Campaigns(1, 3));
        await PagesHandled(2);
        Assert.Equal("FetchingEntities", (await Saga()).CurrentState);

        var ads = Ads(runId);
        Assert.Equal(3, ads.Count);
        foreach (var partition in ads)
        {
            await PartitionPage(runId, partition, count: 5);
        }

        var (saga, run) = await Ended(runId);
        Assert.Equal((SyncOutcome.Completed, 15, 3), (run.Outcome, saga.Ads, saga.Campaigns));
        // Read in partitions: the run marks the level read completely when it ends.
        Assert.Equal([EntityLevel.Ad], run.EntityLevelsReadInPartitions!);
        Assert.Equal(3, run.Plan!.EntityPartitions["Ad"]);
    }

    [Fact]
    public async Task Should_cut_each_page_of_a_campaign_read_that_pages_and_add_nothing_twice()
    {
        var runId = await StartFirstSync();

        await CampaignPage(runId, 1, last: false, Campaigns(1, 8));
        await PagesHandled(1);
        Assert.Equal(4, Ads(runId).Count);
        Assert.Equal("FetchingEntities", (await Saga()).CurrentState);

        // The last page lists one campaign again (cursors may overlap) and three new ones; then page 1 comes again,
        // and another attempt's page lists campaigns already read.
        await CampaignPage(runId, 2, last: true, ["c08", .. Campaigns(9, 3)]);
        await CampaignPage(runId, 1, last: false, Campaigns(1, 8));
        await CampaignPage(runId, 1, last: true, Campaigns(1, 11), attempt: Guid.NewGuid());
        await PagesHandled(4);

        var ads = Ads(runId);
        Assert.Equal(4 + 3, ads.Count);
        Assert.Equal(Campaigns(1, 11), ads.SelectMany(f => f.Reads().CampaignIds).Order());
        Assert.Equal(7, ads.Select(f => f.PartitionId).Distinct().Count());
        Assert.Equal(7, (await Saga()).Plan!.EntityPartitions["Ad"]);
    }

    [Fact]
    public async Task Should_read_the_ads_whole_once_when_the_campaign_read_names_no_campaign()
    {
        var runId = await StartFirstSync();

        await CampaignPage(runId, 1, last: true, []);
        await CampaignPage(runId, 1, last: true, []);
        await PagesHandled(2);

        var ads = Assert.Single(Ads(runId));
        Assert.Equal(PartitionKind.WholeLevel, ads.Reads().Kind);
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 0);
        await PartitionPage(runId, ads, count: 0);
        await AnswerInsights(runId, rows: 0);

        var (_, run) = await Ended(runId);
        Assert.Equal(SyncOutcome.Completed, run.Outcome);
        Assert.Equal(1, run.Plan!.EntityPartitions["Ad"]);
    }

    [Fact]
    public async Task Should_re_drive_the_added_partitions_not_done()
    {
        var runId = await StartFirstSync();
        await CampaignPage(runId, 1, last: true, Campaigns(1, 4));
        await PagesHandled(1);
        var ads = Ads(runId);
        await PartitionPage(runId, ads[0], count: 3);
        await PagesHandled(2);

        var sent = await Stall(runId);
        Assert.Equal(1, sent[ads[0].PartitionId]);
        Assert.All(ads.Skip(1), f => Assert.Equal(2, sent[f.PartitionId]));
    }

    [Fact]
    public void Should_cut_later_campaign_pages_only_as_far_as_the_budget_s_spare_calls_pay()
    {
        var run = Guid.NewGuid();
        var s = new AccountSyncState { AccountId = Account, RunId = run, DatePreset = "last_7d" };
        s.Ledger.KnownCampaigns = [];
        s.Ledger.ByCampaign = new() { [EntityLevel.Ad] = 4 };
        s.Ledger.SpareCalls = 4;

        var (first, _) = NewCampaignReads.Add(s, CampaignIdsPage(run, Campaigns(1, 8), last: false), maxIds: 200);
        var (second, _) = NewCampaignReads.Add(s, CampaignIdsPage(run, Campaigns(9, 8), last: false), maxIds: 200);
        var (third, _) = NewCampaignReads.Add(s, CampaignIdsPage(run, Campaigns(17, 8), last: false), maxIds: 2);

        // 4 at first (3 spare calls), then 1 (the last spare one); then none is left, but no filter names more than maxIds.
        Assert.Equal([4, 1, 4], new[] { first.Count, second.Count, third.Count });
        Assert.Equal(0, s.Ledger.SpareCalls);
        Assert.Equal(Campaigns(1, 24), first.Concat(second).Concat(third).SelectMany(f => f.Reads().CampaignIds).Order());
    }

    EntitiesFetched CampaignIdsPage(Guid run, string[] ids, bool last) =>
        new(run, Account, EntityLevel.Campaign, 1, last, ids.Length, [], GraphCalls: 1, Guid.NewGuid(), CampaignIds: ids);
}
