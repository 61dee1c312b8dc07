using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// Ends a run: decides its outcome, records it in the run history (which, on PostgreSQL, writes in the transaction
/// that saves the saga, so the account, the history and the saga's state change together or not at all) and
/// publishes how it ended.
/// </summary>
public sealed class FinishRunActivity(TimeProvider time, IRunHistory history) : IStateMachineActivity<AccountSyncState>
{
    public void Probe(ProbeContext context) => context.CreateScope("finish-run");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);

    public async Task Execute(BehaviorContext<AccountSyncState> context, IBehavior<AccountSyncState> next)
    {
        await Finish(context);
        await next.Execute(context);
    }

    public async Task Execute<T>(BehaviorContext<AccountSyncState, T> context, IBehavior<AccountSyncState, T> next) where T : class
    {
        await Finish(context);
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<AccountSyncState, TException> context, IBehavior<AccountSyncState> next)
        where TException : Exception => next.Faulted(context);

    public Task Faulted<T, TException>(BehaviorExceptionContext<AccountSyncState, T, TException> context, IBehavior<AccountSyncState, T> next)
        where T : class where TException : Exception => next.Faulted(context);

    async Task Finish(BehaviorContext<AccountSyncState> context)
    {
        var s = context.Saga;
        s.FinishedAt ??= time.GetUtcNow();
        s.Outcome ??= (s.BatchesFailed > 0 ? SyncOutcome.Partial : SyncOutcome.Completed).ToString();
        var run = FinishedRun.Of(s);

        await history.RecordAsync(run, context.CancellationToken);

        switch (run.Outcome)
        {
            case SyncOutcome.Failed:
                await context.Publish(new AccountSyncFailed(run.RunId, run.AccountId, run.FinishedAt, run.Error ?? "failed"));
                break;
            case SyncOutcome.TimedOut:
                await context.Publish(new AccountSyncTimedOut(run.RunId, run.AccountId, run.FinishedAt, run.Duration));
                break;
            default:
                await context.Publish(new AccountSyncCompleted(run.RunId, run.AccountId, run.Outcome, run.StartedAt, run.FinishedAt,
                    run.Campaigns, run.AdSets, run.Ads, run.Eligible, run.InsightBatches, run.InsightBatchesFailed, run.GraphCalls));
                break;
        }

        SyncMetrics.RecordRun(run.Trigger, s.Outcome, run.Duration);
    }
}
