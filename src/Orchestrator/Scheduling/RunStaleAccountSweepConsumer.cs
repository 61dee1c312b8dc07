using MassTransit;
using MetaAdsSync.Contracts;

namespace MetaAdsSync.Orchestrator.Scheduling;

/// <summary>The cron endpoint's sweep: the same sweep the timer runs, answered with what it requested.</summary>
public sealed class RunStaleAccountSweepConsumer(StaleAccountScheduler scheduler) : IConsumer<RunStaleAccountSweep>
{
    public async Task Consume(ConsumeContext<RunStaleAccountSweep> context) =>
        await context.RespondAsync(await scheduler.SweepAsync(context.CancellationToken));
}
