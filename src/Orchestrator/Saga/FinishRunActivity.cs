using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// Ends a run: stamps the account (last_synced_at only on success), appends its sync_runs row, records the webhook deliveries it owes and publishes
/// how it ended. Writes go through the saga's own DbContext, inside the transaction that saves the saga,
/// so the account, the history and the saga's state change together or not at all.
/// </summary>
public sealed class FinishRunActivity(TimeProvider time) : IStateMachineActivity<AccountSyncState>
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
        s.Outcome ??= (s.BatchesFailed.Count > 0 ? SyncOutcome.Partial : SyncOutcome.Completed).ToString();
        var outcome = Enum.Parse<SyncOutcome>(s.Outcome);
        var finishedAt = s.FinishedAt.Value;
        var startedAt = s.StartedAt ?? finishedAt;

        var db = context.GetPayload<SyncDbContext>();
        DateTimeOffset? syncedAt = outcome == SyncOutcome.Completed ? finishedAt : null;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO ad_accounts (id, name, last_synced_at, last_sync_status, last_run_id, last_error)
            VALUES ({s.AccountId}, {s.AccountId}, {syncedAt}, {s.Outcome}, {s.RunId}, {s.Error})
            ON CONFLICT (id) DO UPDATE SET
                last_synced_at = COALESCE(EXCLUDED.last_synced_at, ad_accounts.last_synced_at),
                last_sync_status = EXCLUDED.last_sync_status,
                last_run_id = EXCLUDED.last_run_id,
                last_error = EXCLUDED.last_error
            """, context.CancellationToken);

        var durationMs = (long)(finishedAt - startedAt).TotalMilliseconds;
        var failed = s.BatchesFailed.Count;
        var succeeded = s.BatchesSucceeded.Count;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO sync_runs (run_id, account_id, trigger, date_preset, force, requested_by, status, started_at, finished_at, duration_ms,
                campaigns, ad_sets, ads, eligible, insight_batches, insight_batches_succeeded, insight_batches_failed, graph_calls, error)
            VALUES ({s.RunId}, {s.AccountId}, {s.Trigger}, {s.DatePreset}, {s.Force}, {s.RequestedBy}, {s.Outcome}, {startedAt}, {finishedAt}, {durationMs},
                {s.Campaigns}, {s.AdSets}, {s.Ads}, {s.Eligible}, {s.BatchesSent}, {succeeded}, {failed}, {s.GraphCalls}, {s.Error})
            ON CONFLICT (run_id) DO NOTHING
            """, context.CancellationToken);
        await OutcomeWebhooks.RecordAsync(db, s, outcome, startedAt, finishedAt, context.CancellationToken);

        var runId = s.RunId!.Value;
        switch (outcome)
        {
            case SyncOutcome.Failed:
                await context.Publish(new AccountSyncFailed(runId, s.AccountId, finishedAt, s.Error ?? "failed"));
                break;
            case SyncOutcome.TimedOut:
                await context.Publish(new AccountSyncTimedOut(runId, s.AccountId, finishedAt, finishedAt - startedAt));
                break;
            default:
                await context.Publish(new AccountSyncCompleted(runId, s.AccountId, outcome, startedAt, finishedAt,
                    s.Campaigns, s.AdSets, s.Ads, s.Eligible, s.BatchesSent, failed, s.GraphCalls));
                break;
        }

        SyncMetrics.RecordRun(s.Trigger, s.Outcome, finishedAt - startedAt);
    }
}
