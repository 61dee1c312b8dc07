using System.Net;
using MetaAdsSync.Contracts;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.GraphApi;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_the_entity_fetcher_fetches_a_level(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    static FakeGraph GraphWithAds(string account, int count)
    {
        var graph = new FakeGraph { MaxRowsPerPage = 300 };
        graph.Serve($"{account}/ads", GraphClientHarness.Ads(count, i => new
        {
            id = $"{account}-ad-{i:D4}",
            name = $"Ad {i}",
            adset_id = "s1",
            campaign_id = "c1",
            effective_status = (i % 4) switch { 0 => "PAUSED", 1 => "WITH_ISSUES", _ => "ACTIVE" },
            creative = new { id = $"cr{i}", title = "T", body = "B" },
        }));
        return graph;
    }

    [Fact]
    public async Task Should_store_every_page_and_announce_each_with_its_eligible_ids()
    {
        var graph = GraphWithAds("act_101", 798);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var run = Guid.NewGuid();

        await host.PublishAsync(new FetchEntities(run, "act_101", EntityLevel.Ad, Force: false));
        var pages = (await host.LevelDoneAsync(run, EntityLevel.Ad)).Cast<EntitiesFetched>().OrderBy(p => p.Page).ToList();

        Assert.Equal([1, 2, 3, 4], pages.Select(p => p.Page));
        Assert.Equal([false, false, false, true], pages.Select(p => p.IsLastPage));
        Assert.Equal(798, pages.Sum(p => p.Count));
        Assert.Equal([2, 1, 1, 1], pages.Select(p => p.GraphCalls));
        var expectedEligible = Enumerable.Range(1, 798).Where(i => i % 4 != 0).Select(i => $"act_101-ad-{i:D4}").Order();
        Assert.Equal(expectedEligible, pages.SelectMany(p => p.EligibleIds).Order());
        Assert.Equal(798, await db.CountAsync("SELECT count(*) FROM ads LEFT JOIN ad_creatives ON ad_id = id WHERE account_id = 'act_101' AND creative->>'title' = 'T'"));
    }

    [Fact]
    public async Task Should_answer_from_postgresql_without_a_graph_call_when_the_level_was_read_recently()
    {
        var graph = GraphWithAds("act_102", 620);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var first = Guid.NewGuid();
        await host.PublishAsync(new FetchEntities(first, "act_102", EntityLevel.Ad, Force: false));
        var fromGraph = (await host.LevelDoneAsync(first, EntityLevel.Ad)).Cast<EntitiesFetched>().ToList();
        var callsBefore = graph.Requests.Count;

        var second = Guid.NewGuid();
        await host.PublishAsync(new FetchEntities(second, "act_102", EntityLevel.Ad, Force: false));
        var fromDatabase = (await host.LevelDoneAsync(second, EntityLevel.Ad)).Cast<EntitiesFetched>().OrderBy(p => p.Page).ToList();

        Assert.Equal(callsBefore, graph.Requests.Count);
        Assert.All(fromDatabase, p => Assert.Equal(0, p.GraphCalls));
        Assert.Equal(620, fromDatabase.Sum(p => p.Count));
        Assert.True(fromDatabase[^1].IsLastPage);
        Assert.Single(fromDatabase, p => p.IsLastPage);
        Assert.Equal(fromGraph.SelectMany(p => p.EligibleIds).Order(), fromDatabase.SelectMany(p => p.EligibleIds).Order());
    }

    [Fact]
    public async Task Should_call_the_graph_again_when_forced_even_if_the_level_is_fresh()
    {
        var graph = GraphWithAds("act_103", 20);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var first = Guid.NewGuid();
        await host.PublishAsync(new FetchEntities(first, "act_103", EntityLevel.Ad, Force: false));
        await host.LevelDoneAsync(first, EntityLevel.Ad);
        var callsBefore = graph.Requests.Count;

        var forced = Guid.NewGuid();
        await host.PublishAsync(new FetchEntities(forced, "act_103", EntityLevel.Ad, Force: true));
        var pages = (await host.LevelDoneAsync(forced, EntityLevel.Ad)).Cast<EntitiesFetched>().ToList();

        Assert.Equal(1, graph.Requests.Count - callsBefore);
        Assert.Equal(1, Assert.Single(pages).GraphCalls);
    }

    [Fact]
    public async Task Should_leave_the_same_rows_when_the_same_command_is_delivered_twice()
    {
        var graph = GraphWithAds("act_104", 450);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var run = Guid.NewGuid();
        var command = new FetchEntities(run, "act_104", EntityLevel.Ad, Force: true);
        const string snapshot = "SELECT id, name, effective_status, creative::text, last_run_id::text FROM ads LEFT JOIN ad_creatives ON ad_id = id WHERE account_id = 'act_104' ORDER BY id";

        await host.PublishAsync(command);
        await host.LevelDoneAsync(run, EntityLevel.Ad);
        var once = await db.ReadAsync(snapshot, Row);
        await host.PublishAsync(command);
        await WorkerHost.Recorder.WaitUntilAsync(() => host.Recorded.For(run).Count(m => m is EntitiesFetched { IsLastPage: true }) == 2, TimeSpan.FromSeconds(90));
        var twice = await db.ReadAsync(snapshot, Row);

        Assert.Equal(450, once.Count);
        Assert.Equal(once, twice);
        var pages = host.Recorded.For(run).Cast<EntitiesFetched>().ToList();
        Assert.Equal([1, 1, 2, 2], pages.Select(p => p.Page).Order());
    }

    static string Row(Npgsql.NpgsqlDataReader r) =>
        string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : r.GetValue(i).ToString()));

    [Fact]
    public async Task Should_announce_the_failure_at_once_when_the_token_is_refused()
    {
        var graph = GraphWithAds("act_105", 10);
        graph.ThenError(HttpStatusCode.BadRequest, new { message = "Error validating access token: Session has expired", type = "OAuthException", code = 190, error_subcode = 463 });
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var run = Guid.NewGuid();

        await host.PublishAsync(new FetchEntities(run, "act_105", EntityLevel.Ad, Force: false));
        var messages = await host.LevelDoneAsync(run, EntityLevel.Ad);

        var failed = Assert.IsType<EntityFetchFailed>(Assert.Single(messages));
        Assert.Contains("190", failed.Error, StringComparison.Ordinal);
        Assert.Equal(SyncErrorKind.TokenInvalid, failed.Cause?.Kind);
        Assert.Equal("Error validating access token: Session has expired", failed.Cause!.Message);
        Assert.Contains("act_105/ads", failed.Cause.Call, StringComparison.Ordinal);
        Assert.Single(graph.Requests);
    }

    [Fact]
    public async Task Should_mark_the_account_not_accessible_when_its_edge_refuses_the_token()
    {
        var failed = await FailOnAKnownAccountAsync("act_107", HttpStatusCode.Forbidden,
            new { message = "(#200) Ad account owner has NOT grant ads_management or ads_read permission", type = "OAuthException", code = 200 });

        Assert.Equal(SyncErrorKind.NoPermission, failed.Cause?.Kind);
        Assert.Equal(1L, await db.CountAsync(
            "SELECT count(*) FROM ad_accounts WHERE id = 'act_107' AND NOT accessible AND access_changed_at IS NOT NULL AND access_lost_reason LIKE '%(#200)%'"));
    }

    [Fact]
    public async Task Should_leave_the_account_accessible_when_the_token_itself_is_refused()
    {
        var failed = await FailOnAKnownAccountAsync("act_108", HttpStatusCode.BadRequest,
            new { message = "Error validating access token", type = "OAuthException", code = 190 });

        Assert.Equal(SyncErrorKind.TokenInvalid, failed.Cause?.Kind);
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM ad_accounts WHERE id = 'act_108' AND accessible"));
    }

    /// <summary>An account the accounts list named, whose ads edge answers <paramref name="error"/>: the level's failure.</summary>
    async Task<EntityFetchFailed> FailOnAKnownAccountAsync(string account, HttpStatusCode status, object error)
    {
        await db.ExecuteAsync($"INSERT INTO ad_accounts (id, name, refreshed_at) VALUES ('{account}', 'readable until now', now())");
        var graph = GraphWithAds(account, 10);
        graph.ThenError(status, error);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var run = Guid.NewGuid();

        await host.PublishAsync(new FetchEntities(run, account, EntityLevel.Ad, Force: false));
        return Assert.IsType<EntityFetchFailed>(Assert.Single(await host.LevelDoneAsync(run, EntityLevel.Ad)));
    }

    [Fact]
    public async Task Should_announce_one_empty_last_page_for_a_level_without_entities()
    {
        var graph = new FakeGraph();
        graph.Serve("act_106/campaigns", []);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var run = Guid.NewGuid();

        await host.PublishAsync(new FetchEntities(run, "act_106", EntityLevel.Campaign, Force: false));
        var page = Assert.IsType<EntitiesFetched>(Assert.Single(await host.LevelDoneAsync(run, EntityLevel.Campaign)));

        Assert.Equal((1, true, 0), (page.Page, page.IsLastPage, page.Count));
        Assert.Empty(page.EligibleIds);
    }

    [Fact]
    public async Task Should_name_the_campaigns_of_a_campaign_page_and_no_ids_on_other_levels()
    {
        var graph = GraphWithAds("act_110", 3);
        graph.Serve("act_110/campaigns", Enumerable.Range(1, 3).Select(i => new { id = $"110-c-{i}", effective_status = "PAUSED" }));
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var (campaignRun, adRun) = (Guid.NewGuid(), Guid.NewGuid());

        await host.PublishAsync(new FetchEntities(campaignRun, "act_110", EntityLevel.Campaign, Force: true));
        await host.PublishAsync(new FetchEntities(adRun, "act_110", EntityLevel.Ad, Force: true));
        var campaigns = Assert.IsType<EntitiesFetched>(Assert.Single(await host.LevelDoneAsync(campaignRun, EntityLevel.Campaign)));
        var ads = Assert.IsType<EntitiesFetched>(Assert.Single(await host.LevelDoneAsync(adRun, EntityLevel.Ad)));

        // The saga adds reads for campaigns its plan did not know from these.
        Assert.Equal(["110-c-1", "110-c-2", "110-c-3"], campaigns.CampaignIds!.Order());
        Assert.Null(ads.CampaignIds);
    }

    [Fact]
    public async Task Should_read_a_partition_with_its_filter_announce_its_id_and_leave_the_level_unmarked()
    {
        var graph = GraphWithAds("act_104", 20);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);
        var (run, partitionId) = (Guid.NewGuid(), Guid.NewGuid());

        await host.PublishAsync(new FetchEntities(run, "act_104", EntityLevel.Ad, Force: false,
            Partition: new Partition(PartitionKind.Campaigns, ["c1", "c2"]), PartitionId: partitionId));
        var pages = (await host.LevelDoneAsync(run, EntityLevel.Ad)).Cast<EntitiesFetched>().ToList();

        Assert.All(pages, p => Assert.Equal(partitionId, p.PartitionId));
        Assert.All(graph.Requests, r => Assert.Contains("""filtering=[{"field":"campaign.id","operator":"IN","value":["c1","c2"]}]""",
            WebUtility.UrlDecode(r.RequestUri!.Query)));
        // Only the run knows when every partition of the level is done; it marks the level then.
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM entity_sync_marks WHERE account_id = 'act_104'"));
    }
}
