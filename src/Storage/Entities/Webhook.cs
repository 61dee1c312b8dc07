namespace MetaAdsSync.Storage.Entities;

/// <summary>A client's registration: where to POST which events, and the secret each delivery is signed with.</summary>
public class Webhook
{
    public Guid Id { get; set; }
    /// <summary>The id of the API key that registered it (null on an anonymous API): a scoped key sees only its own.</summary>
    public string? OwnerKey { get; set; }
    /// <summary>The registering key's accounts (null: all): only their events are delivered.</summary>
    public List<string>? Accounts { get; set; }
    public required string Url { get; set; }
    /// <summary>The HMAC key of the signature; never returned by the API.</summary>
    public required string Secret { get; set; }
    public List<string> Events { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One event owed to one webhook, recorded in the transaction that records the event itself and sent by the Gateway's
/// sender until the receiver accepts it or the attempts are spent.
/// </summary>
public class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid WebhookId { get; set; }
    public required string Event { get; set; }
    /// <summary>What the delivery is about (a run's id, or an account event's message id): sent as the Idempotency-Key.</summary>
    public required string EventKey { get; set; }
    public required string AccountId { get; set; }
    /// <summary>The JSON body exactly as signed and sent.</summary>
    public required string Body { get; set; }
    /// <summary><c>Pending</c>, <c>Delivered</c> or <c>Failed</c> (attempts spent).</summary>
    public required string Status { get; set; }
    public int Attempts { get; set; }
    /// <summary>When a sender may claim it next (a claim pushes it past the attempt's timeout, so a killed sender's claim lapses).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}
