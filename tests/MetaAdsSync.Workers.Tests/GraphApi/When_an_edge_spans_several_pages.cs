using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_an_edge_spans_several_pages
{
    [Fact]
    public async Task Should_follow_next_until_it_is_absent_even_after_a_short_page()
    {
        using var h = new GraphClientHarness(new() { ["Meta:AdPageSize"] = "100" });
        h.Graph.Serve("act_1/ads", GraphClientHarness.Ads(250));
        // Meta may send a page shorter than the limit in the middle of an edge: only a missing next ends it.
        h.Graph.Then(req => req.RequestUri!.Query.Contains("after=", StringComparison.Ordinal) ? null : FakeGraph.Json(System.Net.HttpStatusCode.OK, new
        {
            data = GraphClientHarness.Ads(3),
            paging = new { cursors = new { after = "3" }, next = $"{FakeGraph.BaseUrl}/v25.0/act_1/ads?limit=100&after=3&access_token={FakeGraph.Token}" },
        }));

        var pages = await h.Client.GetEntitiesAsync("act_1", EntityLevel.Ad, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal([3, 100, 100, 47], pages.Select(p => p.Entities.Count));
        Assert.Equal([false, false, false, true], pages.Select(p => p.IsLast));
        Assert.Equal(250, pages.SelectMany(p => p.Entities).Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Should_send_the_token_in_the_authorization_header_and_never_in_the_url()
    {
        using var h = new GraphClientHarness(new() { ["Meta:CampaignPageSize"] = "10" });
        h.Graph.Serve("act_1/campaigns", Enumerable.Range(1, 25).Select(i => new { id = $"c{i}", effective_status = "ACTIVE" }));

        await h.Client.GetEntitiesAsync("1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal(3, h.Graph.Requests.Count);
        Assert.All(h.Graph.Requests, r =>
        {
            Assert.Equal(("Bearer", FakeGraph.Token), (r.Headers.Authorization!.Scheme, r.Headers.Authorization.Parameter!));
            Assert.DoesNotContain("access_token", r.RequestUri!.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Should_log_no_token_at_any_level_while_following_next_links_that_carry_it()
    {
        using var h = new GraphClientHarness(new() { ["Meta:AdPageSize"] = "40" });
        h.Graph.Serve("act_1/ads", GraphClientHarness.Ads(100));
        h.Graph.MaxRowsPerPage = 30;
        h.Graph.ThenError(System.Net.HttpStatusCode.ServiceUnavailable, new { message = "Service temporarily unavailable", code = 2, is_transient = true });

        var pages = await h.Client.GetEntitiesAsync("act_1", EntityLevel.Ad, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal(100, pages.Sum(p => p.Entities.Count));
        Assert.NotEmpty(h.Logs.Lines);
        Assert.Contains(h.Logs.Lines, l => l.Contains("/act_1/ads", StringComparison.Ordinal));
        Assert.DoesNotContain(FakeGraph.Token, h.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_skip_and_count_rows_without_an_id_and_store_unreadable_values_as_null()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_1/ads", [
            new { id = "a1", effective_status = "ACTIVE", creative = (object?)null, updated_time = "yesterday" },
            new { id = (string?)null, effective_status = "ACTIVE", creative = (object?)null, updated_time = "2026-08-13T09:00:00+0000" },
            new { id = "a3", effective_status = "WITH_ISSUES", creative = (object?)"oops", updated_time = "2026-08-13T09:00:00+0000" },
        ]);

        var page = Assert.Single(await h.Client.GetEntitiesAsync("act_1", EntityLevel.Ad, Partition.WholeLevel, default).ToListAsync());

        Assert.Equal(["a1", "a3"], page.Entities.Select(e => e.Id));
        Assert.Equal(1, page.SkippedWithoutId);
        Assert.Null(page.Entities[0].CreativeJson);
        Assert.Null(page.Entities[0].UpdatedTime);
        Assert.Null(page.Entities[1].CreativeJson);
        Assert.Equal(2, page.Warnings.Count);
        Assert.All(page.Entities, e => Assert.True(e.IsEligibleForInsights));
    }

    [Fact]
    public async Task Should_read_budgets_times_and_the_creative_as_meta_writes_them()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_1/campaigns", [new
        {
            id = "c1", name = "Spring", status = "ACTIVE", effective_status = "ACTIVE", objective = "OUTCOME_SALES",
            daily_budget = "5000", created_time = "2026-08-12T17:08:55+0000", updated_time = "2026-08-12T19:08:55+0200",
        }]);

        var campaign = Assert.Single((await h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync()).Single().Entities);

        Assert.Equal(5000L, campaign.DailyBudget);
        Assert.Null(campaign.LifetimeBudget);
        Assert.Equal(new DateTimeOffset(2026, 8, 12, 17, 8, 55, TimeSpan.Zero), campaign.CreatedTime);
        Assert.Equal(campaign.CreatedTime + TimeSpan.FromHours(0), campaign.UpdatedTime);
        Assert.Equal("OUTCOME_SALES", campaign.Objective);
    }
}
