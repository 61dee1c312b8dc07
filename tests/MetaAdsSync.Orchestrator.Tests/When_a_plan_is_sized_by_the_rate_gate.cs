using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Orchestrator.Saga;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>The planner alone: how wide a run may read, from the account's shape and its room at the rate gate.</summary>
public class When_a_plan_is_sized_by_the_rate_gate
{
    const string Account = "act_1";

    /// <summary>10,000 ads last time in 100 campaigns of 100 each; nothing eligible, so insights stay whole.</summary>
    static AccountShape Shape(AccountRoom entities, int? windowUsed = null) => AccountShape.Empty with
    {
        Campaigns = Enumerable.Range(1, 100).Select(i => new CampaignShape($"c{i:000}", false, 1, 0, 100, 0)).ToList(),
        Entities = entities,
        WindowUsed = windowUsed,
    };

    static readonly FakeTimeProvider Time = new();

    static async Task<SyncPlan> Plan(AccountShape shape, RateGateOptions? gate = null, bool force = true)
    {
        var shapes = new InMemoryAccountShapes();
        shapes.Know(Account, shape);
        var time = Time;
        // Daily reads off: the budgets below are calibrated on the preset's reads alone.
        var planner = new SyncPlanner(new InMemoryRunHistory(), shapes, new UtcAccountCalendar(time), Options.Create(new SagaOptions { DailyInsightDays = 0 }),
            Options.Create(gate ?? new RateGateOptions()), time);
        return await planner.PlanAsync(new SyncAccountRequested(Account, Guid.NewGuid(), "last_7d", SyncTrigger.Manual, force, DateTimeOffset.UtcNow), default);
    }

    static List<Partition> Ads(SyncPlan plan) => plan.Entities.Where(e => e.Level == EntityLevel.Ad).Select(e => e.Partition).ToList();

    [Fact]
    public async Task Should_read_as_many_partitions_at_once_as_the_key_may_have_calls_in_flight()
    {
        var plan = await Plan(Shape(new AccountRoom(AllowedConcurrency: 16, UsagePercent: 10)));

        var ads = Ads(plan);
        Assert.Equal(16, ads.Count);
        // No remainder: the run's campaign read names campaigns created since.
        Assert.All(ads, p => Assert.Equal(PartitionKind.Campaigns, p.Kind));
        Assert.Equal(100, ads.SelectMany(p => p.CampaignIds).Distinct().Count());
        Assert.Equal(100, plan.KnownCampaigns!.Count);
        // 20 pages read sequentially; each partition adds at most one call.
        Assert.InRange(plan.Summary.CallsPlanned, 20 + 3, 20 + 3 + 16);
    }

    [Fact]
    public async Task Should_use_fewer_larger_partitions_from_the_shrink_threshold_of_usage()
    {
        var plan = await Plan(Shape(new AccountRoom(AllowedConcurrency: 16, UsagePercent: 80)));

        Assert.Equal(8, Ads(plan).Count);
        Assert.Contains("ShrinkFromPercent", plan.Summary.Limit);
    }

    [Fact]
    public async Task Should_read_sequentially_when_the_budget_window_has_less_room_than_a_sequential_read()
    {
        var plan = await Plan(Shape(new AccountRoom(16, 10), windowUsed: 190), new RateGateOptions { CallBudget = 200 });

        Assert.All(plan.Entities, e => Assert.Equal(PartitionKind.WholeLevel, e.Partition.Kind));
        Assert.Contains("sequentially", plan.Summary.Limit);
    }

    [Fact]
    public async Task Should_spend_no_more_partitions_than_the_room_beyond_a_sequential_read()
    {
        // A sequential read: 1 campaign page, 1 ad set page, 20 ad pages and 3 insight reads = 25 calls; 5 to spare.
        var plan = await Plan(Shape(new AccountRoom(16, 10), windowUsed: 170), new RateGateOptions { CallBudget = 200 });

        Assert.Equal(6, Ads(plan).Count);
        Assert.InRange(plan.Summary.CallsPlanned, 25, 30);
    }

    [Fact]
    public async Task Should_cut_an_account_with_more_campaigns_than_a_filter_may_name()
    {
        var shape = AccountShape.Empty with
        {
            Campaigns = Enumerable.Range(1, 300).Select(i => new CampaignShape($"c{i:000}", false, 1, 0, 10, 0)).ToList(),
            Entities = new AccountRoom(16, 10),
        };

        var ads = Ads(await Plan(shape));

        Assert.All(ads, p => Assert.Equal(PartitionKind.Campaigns, p.Kind));
        Assert.All(ads, p => Assert.InRange(p.CampaignIds.Count, 1, new SagaOptions().PartitionMaxIds));
        Assert.Equal(300, ads.SelectMany(p => p.CampaignIds).Distinct().Count());
    }

    /// <summary>Campaigns replayed from PostgreSQL (read within Sync:EntityMaxAge) name no new campaign: a remainder asks Meta.</summary>
    static AccountShape CampaignsFresh(AccountShape shape) =>
        shape with { LevelsReadAt = new Dictionary<EntityLevel, DateTimeOffset> { [EntityLevel.Campaign] = Time.GetUtcNow() } };

    [Fact]
    public async Task Should_ask_for_a_remainder_when_the_run_replays_campaigns()
    {
        var plan = await Plan(CampaignsFresh(Shape(new AccountRoom(AllowedConcurrency: 16, UsagePercent: 10))), force: false);

        var ads = Ads(plan);
        Assert.Equal(16, ads.Count);
        Assert.Equal(PartitionKind.OtherCampaigns, ads[^1].Kind);
        Assert.Equal(100, ads[^1].CampaignIds.Count);
        Assert.Null(plan.KnownCampaigns);
    }

    [Fact]
    public async Task Should_read_whole_a_level_whose_remainder_filter_would_not_fit_in_a_url()
    {
        var shape = CampaignsFresh(AccountShape.Empty with
        {
            Campaigns = Enumerable.Range(1, 300).Select(i => new CampaignShape($"c{i:000}", false, 1, 0, 10, 0)).ToList(),
            Entities = new AccountRoom(16, 10),
        });

        Assert.Equal([Partition.WholeLevel], Ads(await Plan(shape, force: false)));
    }

    [Fact]
    public async Task Should_keep_spare_calls_for_a_first_sync_that_reads_ads_by_campaign()
    {
        // No shape: a sequential read is one call per level and per insight read (6); 20 calls of room, 14 to spare.
        var plan = await Plan(AccountShape.Empty with { Entities = new AccountRoom(8, 10), WindowUsed = 180 }, new RateGateOptions { CallBudget = 200 });

        Assert.Empty(Ads(plan));
        Assert.Equal(8, plan.ByCampaign![EntityLevel.Ad]);
        Assert.Equal(14 - 7, plan.SpareCalls);
        Assert.NotNull(plan.KnownCampaigns);
        Assert.Equal(6, plan.Summary.CallsPlanned);
    }

    [Fact]
    public async Task Should_cut_a_first_sync_by_what_the_budget_leaves_beyond_a_sequential_read()
    {
        var plan = await Plan(AccountShape.Empty with { Entities = new AccountRoom(8, 10), WindowUsed = 193 }, new RateGateOptions { CallBudget = 200 });

        Assert.Equal(2, plan.ByCampaign![EntityLevel.Ad]);
        Assert.Equal(0, plan.SpareCalls);
    }

    [Fact]
    public async Task Should_read_a_first_sync_s_ads_whole_when_the_budget_has_less_room_than_a_sequential_read()
    {
        var plan = await Plan(AccountShape.Empty with { Entities = new AccountRoom(8, 10), WindowUsed = 196 }, new RateGateOptions { CallBudget = 200 });

        Assert.Equal([Partition.WholeLevel], Ads(plan));
        Assert.Null(plan.ByCampaign);
        Assert.Null(plan.Summary.ByCampaignLevels);
        Assert.Contains("sequentially", plan.Summary.Limit);
    }

    [Fact]
    public async Task Should_read_at_once_the_ads_of_an_account_known_to_have_no_campaign()
    {
        var known = AccountShape.Empty with
        {
            Entities = new AccountRoom(6, 10),
            LevelsReadAt = new Dictionary<EntityLevel, DateTimeOffset> { [EntityLevel.Ad] = Time.GetUtcNow() - TimeSpan.FromDays(1) },
        };

        var plan = await Plan(known);

        Assert.Equal([Partition.WholeLevel], Ads(plan));
        Assert.Null(plan.ByCampaign);
    }

    [Fact]
    public async Task Should_read_a_first_sync_s_ads_by_campaign_without_a_budget_limit_other_than_the_key()
    {
        var plan = await Plan(AccountShape.Empty with { Entities = new AccountRoom(6, 10) });

        Assert.Equal(6, plan.ByCampaign![EntityLevel.Ad]);
        Assert.Null(plan.SpareCalls);
    }
}
