using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;

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
        DbContext db, string @event, string eventKey, string accountId, DateTimeOffset occurredAt, object data, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(Insert, Parameters(@event, eventKey, accountId, occurredAt, data), cancellationToken);

    /// <summary>The same as a statement of the caller's batch (the saga's end writes its history in one round trip).</summary>
    public static NpgsqlBatchCommand Command(string @event, string eventKey, string accountId, DateTimeOffset occurredAt, object data)
    {
        var command = new NpgsqlBatchCommand(Insert);
        command.Parameters.AddRange(Parameters(@event, eventKey, accountId, occurredAt, data));
        return command;
    }

    const string Insert = """
        INSERT INTO webhook_deliveries (id, webhook_id, event, event_key, account_id, body, status, attempts, next_attempt_at, created_at)
        SELECT gen_random_uuid(), w.id, @event, @event_key, @account_id, @body, 'Pending', 0, now(), now()
          FROM webhooks w
         WHERE @event = ANY(w.events) AND (w.accounts IS NULL OR @account_id = ANY(w.accounts))
        ON CONFLICT (webhook_id, event_key, event) DO NOTHING
        """;

    static NpgsqlParameter[] Parameters(string @event, string eventKey, string accountId, DateTimeOffset occurredAt, object data) =>
    [
        new NpgsqlParameter<string>("event", @event),
        new NpgsqlParameter<string>("event_key", eventKey),
        new NpgsqlParameter<string>("account_id", accountId),
        new NpgsqlParameter<string>("body", JsonSerializer.Serialize(new { id = eventKey, @event, accountId, occurredAt, data }, Json)),
    ];
}
