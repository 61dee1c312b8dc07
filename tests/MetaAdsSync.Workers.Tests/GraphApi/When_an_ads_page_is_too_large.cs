using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_an_ads_page_is_too_large
{
    public static TheoryData<int> RefusalShapes => new() { 0, 1, 2 };

    [Theory]
    [MemberData(nameof(RefusalShapes))]
    public async Task Should_halve_the_limit_retry_the_same_cursor_and_keep_going(int shape)
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_9/ads", GraphClientHarness.Ads(798));
        h.Graph.MaxRowsPerPage = 300;
        h.Graph.ReduceVariant = shape;

        var pages = await h.Client.GetEntitiesAsync("act_9", EntityLevel.Ad, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal(798, pages.SelectMany(p => p.Entities).Select(e => e.Id).Distinct().Count());
        Assert.Equal(4, pages.Count);
        Assert.Equal([2, 1, 1, 1], pages.Select(p => p.GraphCalls));
        Assert.All(pages, p => Assert.Equal(250, p.Limit));
    }

    [Fact]
    public async Task Should_start_the_next_run_at_the_remembered_limit_and_waste_no_call()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_9/ads", GraphClientHarness.Ads(798));
        h.Graph.MaxRowsPerPage = 300;
        await h.Client.GetEntitiesAsync("act_9", EntityLevel.Ad, Partition.WholeLevel, default).ToListAsync();
        var firstRunCalls = h.Graph.Requests.Count;

        var second = await h.Client.GetEntitiesAsync("act_9", EntityLevel.Ad, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal(5, firstRunCalls);
        Assert.Equal(4, h.Graph.Requests.Count - firstRunCalls);
        Assert.Equal(4, second.Sum(p => p.GraphCalls));
    }

    [Fact]
    public async Task Should_remember_the_limit_per_account_so_another_account_starts_at_the_maximum()
    {
        using var h = new GraphClientHarness();
        h.Graph.Serve("act_9/ads", GraphClientHarness.Ads(10));
        h.Graph.Serve("act_8/ads", GraphClientHarness.Ads(10));
        h.Graph.Then(_ => FakeGraph.Json(System.Net.HttpStatusCode.BadRequest, new { error = new { message = "Please reduce the amount of data you're asking for, then retry your request", code = 100, error_subcode = 1487534 } }));
        await h.Client.GetEntitiesAsync("act_9", EntityLevel.Ad, Partition.WholeLevel, default).ToListAsync();

        await h.Client.GetEntitiesAsync("act_8", EntityLevel.Ad, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal(250, await h.PageSizes.GetAsync("act_9", "ads", 500, default));
        Assert.Equal(500, await h.PageSizes.GetAsync("act_8", "ads", 500, default));
    }

    [Fact]
    public async Task Should_fail_below_the_floor_naming_the_edge_and_the_last_limit()
    {
        using var h = new GraphClientHarness(new() { ["Meta:MinPageSize"] = "50" });
        h.Graph.Serve("act_9/ads", GraphClientHarness.Ads(10));
        h.Graph.MaxRowsPerPage = 5;

        var error = await Assert.ThrowsAsync<GraphApiException>(() => h.Client.GetEntitiesAsync("act_9", EntityLevel.Ad, Partition.WholeLevel, default).ToListAsync().AsTask());

        Assert.Equal(GraphErrorKind.PayloadTooLarge, error.Error.Kind);
        Assert.Contains("ads of act_9", error.Message, StringComparison.Ordinal);
        Assert.Contains("limit 62", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, h.Graph.Requests.Count);
    }
}
