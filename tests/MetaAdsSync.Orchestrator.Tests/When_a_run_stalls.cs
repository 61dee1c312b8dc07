using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_run_stalls : SagaSpec
{
    protected override void Configure(SagaOptions options) => StallSettings.Apply(options);

    Task Stalled(Guid runId) => Sut.Harness.Bus.Publish(new SyncRunStalled(runId, Account, Sut.Time.GetUtcNow()));

    Task StallsHandled(int count) => Handled<SyncRunStalled>(count, m => m.AccountId == Account);

    [Fact]
    public async Task Should_send_again_the_levels_not_done_and_the_batches_not_answered()
    {
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 3, "c1", "c2", "c3");
        await PagesHandled(1);
        var (answered, batch) = (Batches()[0], Batches()[1]);
        await BatchDone(runId, answered.BatchId);
        await Handled<InsightsBatchFetched>(1, m => m.AccountId == Account);

        Sut.Time.Advance(TimeSpan.FromSeconds(31));
        await Stalled(runId);
        await StallsHandled(1);

        var state = await Saga();
        Assert.Equal(1, state.Redrives);
        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.AdSet, EntityLevel.Ad, EntityLevel.Ad], Fetches(runId).Select(f => f.Level).Order());
        Assert.Equal([EntityLevel.AdSet, EntityLevel.Ad], Fetches(runId).Where(f => f.Redriven).Select(f => f.Level).Order());
        Assert.Equal(2, Batches().Count(b => b.BatchId == batch.BatchId));
        Assert.Single(Batches(), b => b.BatchId == batch.BatchId && b.Redriven);
        Assert.Single(Batches(), b => b.BatchId == answered.BatchId);
        Assert.Equal(Sut.Time.GetUtcNow(), state.LastProgressAt);
    }

    [Fact]
    public async Task Should_not_re_drive_a_run_that_made_progress_lately()
    {
        var runId = await StartRun();
        Sut.Time.Advance(TimeSpan.FromSeconds(10));

        await Stalled(runId);
        await StallsHandled(1);

        var state = await Saga();
        Assert.Equal(0, state.Redrives);
        Assert.Equal(3, Fetches(runId).Count);
    }

    [Fact]
    public async Task Should_stop_re_driving_after_the_maximum_and_time_out_at_the_run_timeout()
    {
        var runId = await StartRun();
        for (var i = 1; i <= 3; i++)
        {
            Sut.Time.Advance(TimeSpan.FromSeconds(31));
            await Stalled(runId);
            await StallsHandled(i);
        }

        Assert.Equal(2, (await Saga()).Redrives);

        Sut.Time.Advance(TimeSpan.FromMinutes(5));
        await Stalled(runId);

        var (state, run) = await Ended(runId);
        Assert.Equal("TimedOut", state.Outcome);
        Assert.Equal(SyncOutcome.TimedOut, run.Outcome);
        await Published<AccountSyncTimedOut>(m => m.RunId == runId);
    }
}
