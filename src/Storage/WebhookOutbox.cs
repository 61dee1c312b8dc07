using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace MetaAdsSync.Storage;

/// <summary>
/// Records the deliveries an event owes, one per webhook subscribed to it (and allowed its account), through the caller's
/// DbContext: called inside the transaction that records the event, so the event and what it owes commit together.
/// </summary>
public static class WebhookOutbox
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// <paramref name="eventKey"/> names what the event is about (a run's id): recording it again adds nothing, and
    /// receivers get it as the Idempotency-Key. The body is <c>{"id", "event", "accountId", "occurredAt", "data"}</c>.
    /// </summary>
    public static Task<int> EnqueueAsync(
        DbContext db, string @event, string eventKey, string accountId, DateTimeOffset occurredAt, object data, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new { id = eventKey, @event, accountId, occurredAt, data }, Json);
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO webhook_deliveries (id, webhook_id, event, event_key, account_id, body, status, attempts, next_attempt_at, created_at)
            SELECT gen_random_uuid(), w.id, {@event}, {eventKey}, {accountId}, {body}, 'Pending', 0, now(), now()
              FROM webhooks w
             WHERE {@event} = ANY(w.events) AND (w.accounts IS NULL OR {accountId} = ANY(w.accounts))
            ON CONFLICT (webhook_id, event_key, event) DO NOTHING
            """, cancellationToken);
    }
}
