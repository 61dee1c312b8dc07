using MassTransit;
using MetaAdsSync.Fetching;
using MetaAdsSync.Contracts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.EntityFetcher;

/// <summary>
/// Fetches one level of an account and announces every stored page. A failure that retries cannot cure (auth,
/// permission, unknown account, a throttle longer than we wait, or the last redelivery spent) becomes
/// <see cref="EntityFetchFailed"/>. A command sent again (re-driven, or redelivered) whose partition the saga has already
/// recorded done, or whose run ended, is acknowledged without a Graph call (<see cref="RecordedWork"/>).
/// </summary>
public sealed class FetchEntitiesConsumer(
    EntitySync entities, FetchFailures failures, IBus bus, NpgsqlDataSource database, IOptions<SyncOptions> sync, ILogger<FetchEntitiesConsumer> logger)
    : IConsumer<FetchEntities>
{
    public async Task Consume(ConsumeContext<FetchEntities> context)
    {
        var command = context.Message;
        if ((command.Redriven || context.ReceiveContext.Redelivered)
            && await RecordedWork.PartitionDoneAsync(database, command.AccountId, command.RunId, command.PartitionId, context.CancellationToken))
        {
            logger.LogInformation("{Account} {Level}: partition {PartitionId} of run {RunId} sent again ({Why}) is already done; acknowledged without a Graph call",
                command.AccountId, command.Level, command.PartitionId, command.RunId, command.Redriven ? "re-driven" : "redelivered");
            return;
        }

        try
        {
            // Pages go out straight away, past the in-memory outbox: each is stored before it is announced, and a
            // redelivery re-announces the same page numbers, which the saga counts once.
            await entities.RunAsync(command, page => bus.Publish(page, p =>
            {
                p.ConversationId = context.ConversationId;
                p.InitiatorId = context.MessageId;
            }, context.CancellationToken), context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && context.IsFinal(ex, sync.Value))
        {
            logger.LogError("{Account} {Level}: fetch failed for run {RunId}: {Error}", command.AccountId, command.Level, command.RunId, ex.Message);
            var cause = await failures.RecordAsync(context, command.AccountId, ex);
            await context.Publish(new EntityFetchFailed(command.RunId, command.AccountId, command.Level, ex.Message, cause));
        }
    }
}

public sealed class FetchEntitiesConsumerDefinition(IOptions<SyncOptions> sync)
    : FetcherConsumerDefinition<FetchEntitiesConsumer>(sync.Value, Queues.FetchEntities, sync.Value.EntityFetchConcurrency);
