using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using Npgsql;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>What a run's end owes the webhooks: a statement of the run history's batch, in the transaction that records the outcome.</summary>
public static class OutcomeWebhooks
{
    public static NpgsqlBatchCommand Command(FinishedRun run) =>
        WebhookOutbox.Command(WebhookEvents.For(run.Outcome), run.RunId.ToString(), run.AccountId, run.FinishedAt, new
        {
            syncId = run.RunId,
            accountId = run.AccountId,
            status = run.Outcome.ToString(),
            datePreset = run.DatePreset,
            trigger = run.Trigger,
            startedAt = run.StartedAt,
            finishedAt = run.FinishedAt,
            durationMs = (long)run.Duration.TotalMilliseconds,
            entities = new { campaigns = run.Campaigns, adSets = run.AdSets, ads = run.Ads },
            eligible = run.Eligible,
            insightBatches = new { total = run.InsightBatches, succeeded = run.InsightBatchesSucceeded, failed = run.InsightBatchesFailed },
            graphCalls = run.GraphCalls,
            error = run.Error,
        });
}
