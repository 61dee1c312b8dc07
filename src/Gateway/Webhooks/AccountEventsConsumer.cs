using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using Microsoft.EntityFrameworkCore;

namespace MetaAdsSync.Gateway.Webhooks;

/// <summary>
/// Records what an account event owes the webhooks. One queue shared by the Gateways (competing consumers): each event
/// is recorded once, and a redelivered one adds nothing (its message id is the event's key).
/// </summary>
public sealed class AccountEventsConsumer(IDbContextFactory<SyncDbContext> contexts) : IConsumer<AccountAccessLost>, IConsumer<AccountAccessRestored>
{
    public Task Consume(ConsumeContext<AccountAccessLost> context) =>
        Record(context, WebhookEvents.AccessLost, context.Message.AccountId, context.Message.DetectedAt,
            new { accountId = context.Message.AccountId, detectedAt = context.Message.DetectedAt, reason = context.Message.Reason });

    public Task Consume(ConsumeContext<AccountAccessRestored> context) =>
        Record(context, WebhookEvents.AccessRestored, context.Message.AccountId, context.Message.DetectedAt,
            new { accountId = context.Message.AccountId, detectedAt = context.Message.DetectedAt });

    async Task Record(ConsumeContext context, string @event, string accountId, DateTimeOffset at, object data)
    {
        await using var db = await contexts.CreateDbContextAsync(context.CancellationToken);
        var key = (context.MessageId ?? NewId.NextGuid()).ToString();
        await WebhookOutbox.EnqueueAsync(db, @event, key, accountId, at, data, context.CancellationToken);
    }
}
