using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_run_stalls(MigratedDatabaseFixture database) : SagaSpec(database)
{
    protected override void Configure(SagaOptions options)
    {
        options.StallAfter = TimeSpan.FromSeconds(30);
        options.RunTimeout = TimeSpan.FromMinutes(5);
        options.MaxRedrives = 2;
    }

    Task Stalled(Guid runId) => Sut.Harness.Bus.Publish(new SyncRunStalled(runId, Account, Sut.Time.GetUtcNow()));

    [Fact]
    public async Task Should_send_again_the_levels_not_done_and_the_batches_not_answered()
    {
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 3, "c1", "c2", "c3");
        await WaitFor(s => s.PagesSeen.Count == 1, "the page");
        var (answered, batch) = (Batches()[0], Batches()[1]);
        await BatchDone(runId, answered.BatchId);
        await WaitFor(s => s.BatchesSucceeded.Count == 1, "the first insight read");

        Sut.Time.Advance(TimeSpan.FromSeconds(31));
        await Stalled(runId);

        var state = await WaitFor(s => s.Redrives == 1, "a re-drive");
        var fetches = Sut.Harness.Published.Select<FetchEntities>(m => m.Context.Message.RunId == runId).Select(m => m.Context.Message.Level).ToList();
        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.AdSet, EntityLevel.Ad, EntityLevel.Ad], fetches.Order());
        Assert.Equal(2, Batches().Count(b => b.BatchId == batch.BatchId));
        Assert.Equal(1, Batches().Count(b => b.BatchId == answered.BatchId));
        Assert.Equal(Sut.Time.GetUtcNow(), state.LastProgressAt);
    }

    [Fact]
    public async Task Should_be_found_by_the_watchdog_only_once_it_made_no_progress_for_a_while()
    {
        var runId = await StartRun();
        var watchdog = ActivatorUtilities.CreateInstance<RunWatchdog>(Sut.Services, Sut.Harness.Bus);

        Sut.Time.Advance(TimeSpan.FromSeconds(20));
        await watchdog.SweepAsync(default);
        Assert.False(await Sut.Harness.Published.Any<SyncRunStalled>(m => m.Context.Message.RunId == runId));

        Sut.Time.Advance(TimeSpan.FromSeconds(11));
        await watchdog.SweepAsync(default);

        await WaitPublished<SyncRunStalled>(m => m.Context.Message.RunId == runId);
        await WaitFor(s => s.Redrives == 1, "the re-drive the watchdog asked for");
    }

    [Fact]
    public async Task Should_not_re_drive_a_run_that_made_progress_lately()
    {
        var runId = await StartRun();
        Sut.Time.Advance(TimeSpan.FromSeconds(10));

        await Stalled(runId);
        await WaitConsumed<SyncRunStalled>(1, m => m.AccountId == Account);

        var state = await Sut.Load(Account);
        Assert.Equal(0, state!.Redrives);
        Assert.Equal(3, Sut.Harness.Published.Select<FetchEntities>(m => m.Context.Message.RunId == runId).Count());
    }

    [Fact]
    public async Task Should_stop_re_driving_after_the_maximum_and_time_out_at_the_run_timeout()
    {
        var runId = await StartRun();
        for (var i = 1; i <= 3; i++)
        {
            Sut.Time.Advance(TimeSpan.FromSeconds(31));
            await Stalled(runId);
            await WaitConsumed<SyncRunStalled>(i, m => m.AccountId == Account);
        }

        Assert.Equal(2, (await Sut.Load(Account))!.Redrives);

        Sut.Time.Advance(TimeSpan.FromMinutes(5));
        await Stalled(runId);

        var state = await WaitFor(s => s.CurrentState == "Idle", "the timeout");
        Assert.Equal("TimedOut", state.Outcome);
        await WaitPublished<AccountSyncTimedOut>(m => m.Context.Message.RunId == runId);
    }
}
