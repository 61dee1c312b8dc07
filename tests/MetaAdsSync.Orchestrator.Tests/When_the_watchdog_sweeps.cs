using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>The watchdog reads the saga's rows itself, so its spec runs on the PostgreSQL repository.</summary>
public class When_the_watchdog_sweeps(MigratedDatabase database) : PostgresSagaSpec(database)
{
    protected override void Configure(SagaOptions options) => StallSettings.Apply(options);

    [Fact]
    public async Task Should_find_a_run_only_once_it_made_no_progress_for_a_while_and_have_the_saga_re_drive_it()
    {
        var runId = await StartRun();
        var watchdog = ActivatorUtilities.CreateInstance<RunWatchdog>(Sut.Services, Sut.Harness.Bus);

        Sut.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, await watchdog.SweepAsync(default));
        Assert.Empty(Sut.Harness.PublishedSoFar<SyncRunStalled>(m => m.RunId == runId));

        Sut.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1, await watchdog.SweepAsync(default));

        await Published<SyncRunStalled>(m => m.RunId == runId);
        await Handled<SyncRunStalled>(1, m => m.RunId == runId);
        Assert.Equal(1, (await Saga()).Redrives);
    }
}
