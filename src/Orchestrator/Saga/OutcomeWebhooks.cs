using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>What a run's end owes the webhooks: recorded by the finish step in the transaction that records the outcome.</summary>
public static class OutcomeWebhooks
{
    public static Task RecordAsync(DbContext db, AccountSyncState s, SyncOutcome outcome, DateTimeOffset startedAt, DateTimeOffset finishedAt,
        CancellationToken cancellationToken) =>
        WebhookOutbox.EnqueueAsync(db, WebhookEvents.For(outcome), s.RunId!.Value.ToString(), s.AccountId, finishedAt, new
        {
            syncId = s.RunId,
            accountId = s.AccountId,
            state = outcome.ToString(),
            datePreset = s.DatePreset,
            trigger = s.Trigger,
            startedAt,
            finishedAt,
            durationMs = (long)(finishedAt - startedAt).TotalMilliseconds,
            entities = new { campaigns = s.Campaigns, adSets = s.AdSets, ads = s.Ads },
            eligible = s.Eligible,
            insightBatches = new { total = s.BatchesSent, succeeded = s.BatchesSucceeded.Count, failed = s.BatchesFailed.Count },
            graphCalls = s.GraphCalls,
            error = s.Error,
        }, cancellationToken);
}
