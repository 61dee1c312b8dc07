using MetaAdsSync.Contracts;
using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.Workers;

namespace MetaAdsSync.Workers.Tests.Simulator;

/// <summary>The workers against the Graph simulator in-process, on the real RabbitMQ and PostgreSQL: the "must show" list.</summary>
public class When_the_workers_sync_2ezi_from_the_simulator(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    const string TwoEzi = "act_697495618573979";

    [Fact]
    public async Task Should_bring_all_798_ads_through_four_or_more_pages_wasting_one_call_and_none_the_second_time()
    {
        // Learned page sizes are shared through the database: forget what another test of this class learned.
        await db.ExecuteAsync("DELETE FROM page_limits");
        await using var sim = await SimulatorApp.StartAsync();
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim);
        var truth = sim.GetTruth(TwoEzi)!;

        var first = await SimulatorRun.FetchLevelAsync(host, TwoEzi, EntityLevel.Ad, force: true);
        var rejectionsAfterFirst = sim.GetStats().PayloadRejections;
        var second = await SimulatorRun.FetchLevelAsync(host, TwoEzi, EntityLevel.Ad, force: true);

        Assert.Equal(798, truth.Ads.Ids.Count);
        Assert.True(first.Count >= 4, $"{first.Count} pages");
        Assert.Equal(798, first.Sum(p => p.Count));
        Assert.Equal(truth.Ads.Ids.Order(), await db.ReadAsync($"SELECT id FROM ads WHERE account_id = '{TwoEzi}' ORDER BY id", r => r.GetString(0)));
        Assert.Equal(1, rejectionsAfterFirst);
        Assert.Equal(first.Count + 1, first.Sum(p => p.GraphCalls));
        Assert.Equal(1, sim.GetStats().PayloadRejections);
        Assert.Equal(second.Count, second.Sum(p => p.GraphCalls));
        Assert.Equal(truth.Ads.InsightEligible.Order(), second.SelectMany(p => p.EligibleIds).Order());
    }

    [Fact]
    public async Task Should_announce_exactly_the_eligible_entities_and_store_insights_for_exactly_those_with_delivery_one_call_per_level()
    {
        await using var sim = await SimulatorApp.StartAsync();
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim);
        var truth = sim.GetTruth(TwoEzi)!;

        var result = await SimulatorRun.SyncAsync(host, TwoEzi, "last_7d");

        Assert.Equal(truth.Campaigns.InsightEligible.Order(), result.Eligible[EntityLevel.Campaign].Order());
        Assert.Equal(truth.AdSets.InsightEligible.Order(), result.Eligible[EntityLevel.AdSet].Order());
        Assert.Equal(truth.Ads.InsightEligible.Order(), result.Eligible[EntityLevel.Ad].Order());
        var rows = truth.Insights["last_7d"];
        foreach (var (level, name, withDelivery) in new[] { (EntityLevel.Campaign, "campaign", rows.Campaigns), (EntityLevel.AdSet, "adset", rows.AdSets), (EntityLevel.Ad, "ad", rows.Ads) })
        {
            var expected = withDelivery.Intersect(result.Eligible[level]).Order();
            Assert.Equal(expected, await db.ReadAsync(
                $"SELECT entity_id FROM insights WHERE account_id = '{TwoEzi}' AND level = '{name}' AND date_preset = 'last_7d' ORDER BY entity_id", r => r.GetString(0)));
        }

        Assert.All(result.Batches, b => Assert.Equal(1, b.GraphCalls));
        Assert.Equal(result.Batches.Count, sim.GetStats().CallsByEndpoint.Where(e => e.Key.Contains("insights", StringComparison.Ordinal)).Sum(e => e.Value));
    }

    [Fact]
    public async Task Should_still_give_complete_data_when_a_fifth_of_the_calls_fail_transiently()
    {
        await using var sim = await SimulatorApp.StartAsync(new SimulatorOptions { TransientErrorRate = 0.2 });
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim);
        var truth = sim.GetTruth(TwoEzi)!;

        var result = await SimulatorRun.SyncAsync(host, TwoEzi, "last_30d");

        Assert.True(sim.GetStats().TransientErrors > 0);
        Assert.Equal(truth.Ads.InsightEligible.Order(), result.Eligible[EntityLevel.Ad].Order());
        Assert.Equal(truth.Ads.Ids.Count, await db.CountAsync($"SELECT count(*) FROM ads WHERE account_id = '{TwoEzi}'"));
        Assert.Equal(truth.AdSets.Ids.Count, await db.CountAsync($"SELECT count(*) FROM ad_sets WHERE account_id = '{TwoEzi}'"));
        Assert.Equal(truth.Campaigns.Ids.Count, await db.CountAsync($"SELECT count(*) FROM campaigns WHERE account_id = '{TwoEzi}'"));
        Assert.All(result.Batches, b => Assert.IsType<InsightsBatchFetched>(b.Answer));
        Assert.Equal(truth.Insights["last_30d"].Ads.Intersect(result.Eligible[EntityLevel.Ad]).Count(),
            await db.CountAsync($"SELECT count(*) FROM insights WHERE account_id = '{TwoEzi}' AND level = 'ad' AND date_preset = 'last_30d'"));
    }

    [Fact]
    public async Task Should_fail_a_refused_token_at_once_without_a_retry()
    {
        await using var sim = await SimulatorApp.StartAsync();
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim, new() { ["Meta:AccessToken"] = "an-expired-token" });
        var run = Guid.NewGuid();

        await host.PublishAsync(new FetchEntities(run, TwoEzi, EntityLevel.Campaign, Force: true));
        var failed = Assert.IsType<EntityFetchFailed>(Assert.Single(await host.LevelDoneAsync(run, EntityLevel.Campaign)));

        Assert.Contains("Auth", failed.Error, StringComparison.Ordinal);
        Assert.Equal((1L, 1L), (sim.GetStats().Calls, sim.GetStats().AuthErrors));
    }

    [Fact]
    public async Task Should_slow_down_as_usage_rises_and_never_run_into_the_block()
    {
        await using var sim = await SimulatorApp.StartAsync(new SimulatorOptions { CallBudget = 3, BudgetWindowSeconds = 2, BlockSeconds = 2 });
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim, new() { ["RateGate:MaxSlowdownDelay"] = "00:00:02" });
        var truth = sim.GetTruth(TwoEzi)!;

        var pages = await SimulatorRun.FetchLevelAsync(host, TwoEzi, EntityLevel.Ad, force: true);

        Assert.Equal(truth.Ads.Ids.Count, pages.Sum(p => p.Count));
        Assert.Equal(0, sim.GetStats().ThrottledResponses);
    }

    [Fact]
    public async Task Should_wait_out_a_throttle_instead_of_calling_into_the_block()
    {
        await using var sim = await SimulatorApp.StartAsync(new SimulatorOptions { CallBudget = 3, BudgetWindowSeconds = 2, BlockSeconds = 2 });
        // The shared gate stops short of 100 % and so never meets the limit; here it probes at once, so the calls do.
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim, new()
        {
            ["RateGate:StopAtPercent"] = "100",
            ["RateGate:HighUsagePause"] = "00:00:00.1",
        });
        var truth = sim.GetTruth(TwoEzi)!;

        var pages = await SimulatorRun.FetchLevelAsync(host, TwoEzi, EntityLevel.Ad, force: true);

        var stats = sim.GetStats();
        Assert.Equal(truth.Ads.Ids.Count, pages.Sum(p => p.Count));
        Assert.InRange(stats.ThrottledResponses, 1, 2);
        Assert.Equal(0, stats.CallsWhileBlocked);
    }

    [Fact]
    public async Task Should_leave_the_same_rows_when_the_same_commands_are_delivered_twice()
    {
        await using var sim = await SimulatorApp.StartAsync();
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim);
        const string snapshot = $"""
            SELECT 'ad|' || id || '|' || coalesce(effective_status, '') || '|' || coalesce(creative::text, '') FROM ads LEFT JOIN ad_creatives ON ad_id = id WHERE account_id = '{TwoEzi}'
            UNION ALL SELECT 'insight|' || level || '|' || entity_id || '|' || date_start || '|' || coalesce(impressions::text, '') || '|' || coalesce(spend::text, '')
              FROM insights WHERE account_id = '{TwoEzi}' ORDER BY 1
            """;

        var once = await SimulatorRun.SyncAsync(host, TwoEzi, "last_7d", runId: Guid.Parse("8f0d1a52-6f0e-4c55-9c1d-2e4ad0f1b001"));
        var rowsOnce = await db.ReadAsync(snapshot, r => r.GetString(0));
        await SimulatorRun.SyncAsync(host, TwoEzi, "last_7d", runId: Guid.Parse("8f0d1a52-6f0e-4c55-9c1d-2e4ad0f1b001"), batchIds: once.Batches.Select(b => b.BatchId).ToList());
        var rowsTwice = await db.ReadAsync(snapshot, r => r.GetString(0));

        Assert.NotEmpty(rowsOnce);
        Assert.Equal(rowsOnce, rowsTwice);
        Assert.Equal(rowsTwice.Count, rowsTwice.Distinct().Count());
    }

    [Fact]
    public async Task Should_log_the_token_nowhere_while_following_next_links_that_carry_it()
    {
        await using var sim = await SimulatorApp.StartAsync();
        // Meta echoes a token it got in the query into every next link; this puts it there below the client's own logging.
        await using var host = await SimulatorRun.StartWorkersAsync(rabbit, db, sim, primaryHandler: new TokenInQueryHandler(sim.AccessToken));

        var pages = await SimulatorRun.FetchLevelAsync(host, TwoEzi, EntityLevel.Ad, force: true);

        Assert.True(pages.Count >= 4);
        Assert.True(TokenInQueryHandler.SawTokenInNext, "the simulator's next links carried the token");
        Assert.NotEmpty(host.Logs.Lines);
        Assert.DoesNotContain(sim.AccessToken, host.Logs.All, StringComparison.Ordinal);
    }
}
