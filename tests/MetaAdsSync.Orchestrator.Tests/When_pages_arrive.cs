using MetaAdsSync.Contracts;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_pages_arrive : SagaSpec
{
    [Fact]
    public async Task Should_count_a_redelivered_page_once()
    {
        var runId = await StartRun();

        for (var i = 0; i < 3; i++)
        {
            await Page(runId, EntityLevel.Campaign, 1, last: false, count: 25, "c1", "c2");
        }

        await PagesHandled(3);
        var state = await Saga();
        Assert.Equal(1L, state.Sequence);
        Assert.Equal((25, 2, 1), (state.Campaigns, state.Eligible, state.GraphCalls));
        Assert.Equal(3, Batches().Count);
    }

    [Fact]
    public async Task Should_count_a_level_read_again_in_other_pages_once()
    {
        var runId = await StartRun();
        var killed = Guid.NewGuid();
        var redelivered = Guid.NewGuid();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 1);
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 1);

        // The first delivery read 250 a page and died after two; the redelivery was answered 500 a page (from PostgreSQL).
        await Page(runId, killed, EntityLevel.Ad, 1, last: false, count: 250, "a1");
        await Page(runId, killed, EntityLevel.Ad, 2, last: false, count: 250, "a2");
        await Page(runId, redelivered, EntityLevel.Ad, 1, last: false, count: 500, "a1", "a2");
        await Page(runId, redelivered, EntityLevel.Ad, 2, last: true, count: 298, "a3");

        var state = await InState(m => m.FetchingInsights, runId);
        await PagesHandled(6);
        Assert.Equal((798, 3), (state.Ads, state.Eligible));
    }

    [Fact]
    public async Task Should_wait_for_every_page_when_the_last_page_comes_first()
    {
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 1);
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 1);

        await Page(runId, EntityLevel.Ad, 2, last: true, count: 10);
        await PagesHandled(3);
        var state = await Saga();
        Assert.Equal((3L, "FetchingEntities"), (state.Sequence, state.CurrentState));

        await Page(runId, EntityLevel.Ad, 1, last: false, count: 25);
        state = await InState(m => m.FetchingInsights, runId);
        Assert.Equal(35, state.Ads);
    }

    [Fact]
    public async Task Should_ignore_pages_of_another_run()
    {
        var runId = await StartRun();

        await Page(Guid.NewGuid(), EntityLevel.Ad, 1, last: true, count: 700, "x1");
        await Page(runId, EntityLevel.Campaign, 1, last: false, count: 5);

        await PagesHandled(2);
        var state = await Saga();
        Assert.Equal(1L, state.Sequence);
        Assert.Equal((0, 5, 0), (state.Ads, state.Campaigns, state.Eligible));
    }
}
