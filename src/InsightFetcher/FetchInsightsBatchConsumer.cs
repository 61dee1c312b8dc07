using MassTransit;
using MetaAdsSync.Fetching;
using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.InsightFetcher;

/// <summary>
/// Fetches and stores one batch of insights; answers <see cref="InsightsBatchFetched"/>, or <see cref="InsightsBatchFailed"/>
/// once retries cannot help. A read sent again (re-driven, or redelivered) that the saga has already recorded answered,
/// or whose run ended, is acknowledged without a Graph call and without an answer (<see cref="RecordedWork"/>).
/// </summary>
public sealed class FetchInsightsBatchConsumer(
    InsightSync insights, FetchFailures failures, NpgsqlDataSource database, IOptions<SyncOptions> sync, ILogger<FetchInsightsBatchConsumer> logger)
    : IConsumer<FetchInsightsBatch>
{
    public async Task Consume(ConsumeContext<FetchInsightsBatch> context)
    {
        var command = context.Message;
        if (command.Partition is null)
        {
            // Sent before the upgrade that made batches partitions: its run was migrated and re-drives in the new shape.
            logger.LogWarning("{Account} insights batch {BatchId} of run {RunId} has the old shape (entity ids, no partition); acknowledged and dropped",
                command.AccountId, command.BatchId, command.RunId);
            return;
        }

        if ((command.Redriven || context.ReceiveContext.Redelivered)
            && await RecordedWork.InsightReadDoneAsync(database, command.AccountId, command.RunId, command.BatchId, context.CancellationToken))
        {
            logger.LogInformation("{Account} insights batch {BatchId} of run {RunId} sent again ({Why}) is already answered; acknowledged without a Graph call",
                command.AccountId, command.BatchId, command.RunId, command.Redriven ? "re-driven" : "redelivered");
            return;
        }

        try
        {
            var outcome = await insights.RunAsync(command, context.CancellationToken);
            // Without a response address MassTransit publishes the answer, so the saga hears it either way.
            await context.RespondAsync(new InsightsBatchFetched(command.RunId, command.AccountId, command.BatchId, outcome.Rows, outcome.GraphCalls));
        }
        catch (Exception ex) when (ex is not OperationCanceledException && context.IsFinal(ex, sync.Value))
        {
            logger.LogError("{Account} insights batch {BatchId} failed for run {RunId}: {Error}", command.AccountId, command.BatchId, command.RunId, ex.Message);
            var cause = await failures.RecordAsync(context, command.AccountId, ex);
            await context.RespondAsync(new InsightsBatchFailed(command.RunId, command.AccountId, command.BatchId, ex.Message,
                (ex as GraphApiException)?.GraphCalls ?? 0, cause));
        }
    }
}

public sealed class FetchInsightsBatchConsumerDefinition(IOptions<SyncOptions> sync)
    : FetcherConsumerDefinition<FetchInsightsBatchConsumer>(sync.Value, Queues.FetchInsightsBatch, sync.Value.InsightFetchConcurrency);
