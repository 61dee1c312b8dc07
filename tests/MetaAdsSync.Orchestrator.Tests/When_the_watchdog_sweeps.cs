using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>
/// The watchdog reads the saga's rows itself, so its spec runs on the PostgreSQL repository. The harness has no broker,
/// so what the queues hold is told by <see cref="QueuesSeen"/> (RabbitMQ's answer is <c>When_the_watchdog_looks_at_the_queues</c>).
/// </summary>
public class When_the_watchdog_sweeps(MigratedDatabase database) : PostgresSagaSpec(database)
{
    readonly QueuesSeen _queues = new();

    protected override void Configure(SagaOptions options) => StallSettings.Apply(options);

    RunWatchdog Watchdog() => ActivatorUtilities.CreateInstance<RunWatchdog>(Sut.Services, Sut.Harness.Bus, _queues);

    // The class's tests share a database: another test's run may be reported too, so each asks about its own.
    async Task<int> SweepFor(RunWatchdog watchdog, Guid runId)
    {
        await watchdog.SweepAsync(default);
        return Sut.Harness.PublishedSoFar<SyncRunStalled>(m => m.RunId == runId).Count;
    }

    [Fact]
    public async Task Should_find_a_run_only_once_it_made_no_progress_for_a_while_and_have_the_saga_re_drive_it()
    {
        var runId = await StartRun();
        var watchdog = Watchdog();
        Sut.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await SweepFor(watchdog, runId));

        Sut.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, await SweepFor(watchdog, runId));

        Sut.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1, await SweepFor(watchdog, runId));

        await Published<SyncRunStalled>(m => m.RunId == runId);
        await Handled<SyncRunStalled>(1, m => m.RunId == runId);
        Assert.Equal(1, (await Saga()).Redrives);
    }

    [Fact]
    public async Task Should_not_find_a_run_whose_commands_may_still_wait_in_a_queue_however_long()
    {
        var runId = await StartRun();
        var watchdog = Watchdog();
        _queues.Waiting = true;
        for (var i = 0; i < 4; i++)
        {
            Sut.Time.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(0, await SweepFor(watchdog, runId));
        }

        // Drained now: the run's commands have all left their queue, but one may be at a fetcher, so the stall window
        // starts here.
        _queues.Waiting = false;
        Assert.Equal(0, await SweepFor(watchdog, runId));
        Sut.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await SweepFor(watchdog, runId));

        Sut.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await SweepFor(watchdog, runId));
        await Handled<SyncRunStalled>(1, m => m.RunId == runId);
        Assert.Equal(1, (await Saga()).Redrives);
    }

    [Fact]
    public async Task Should_re_drive_nothing_while_the_broker_cannot_say_but_still_time_the_run_out()
    {
        var runId = await StartRun();
        var watchdog = Watchdog();
        _queues.Waiting = null;
        Sut.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, await SweepFor(watchdog, runId));

        Sut.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await SweepFor(watchdog, runId));
        await Published<AccountSyncTimedOut>(m => m.RunId == runId);
        var state = await Saga();
        Assert.Equal(("TimedOut", 0), (state.Outcome, state.Redrives));
    }

    sealed class QueuesSeen : IQueuedWork
    {
        public bool? Waiting { get; set; } = false;

        public Task<bool?> AnyWaitingAsync(CancellationToken cancellationToken) => Task.FromResult(Waiting);
    }
}
