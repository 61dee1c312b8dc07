using MassTransit;
using MetaAdsSync.Fetching;
using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.InsightFetcher;

/// <summary>Fetches and stores one batch of insights; answers <see cref="InsightsBatchFetched"/>, or <see cref="InsightsBatchFailed"/> once retries cannot help.</summary>
public sealed class FetchInsightsBatchConsumer(InsightSync insights, IOptions<SyncOptions> sync, ILogger<FetchInsightsBatchConsumer> logger)
    : IConsumer<FetchInsightsBatch>
{
    public async Task Consume(ConsumeContext<FetchInsightsBatch> context)
    {
        var command = context.Message;
        try
        {
            var outcome = await insights.RunAsync(command, context.CancellationToken);
            // Without a response address MassTransit publishes the answer, so the saga hears it either way.
            await context.RespondAsync(new InsightsBatchFetched(command.RunId, command.AccountId, command.BatchId, outcome.Rows, outcome.GraphCalls));
        }
        catch (Exception ex) when (ex is not OperationCanceledException && context.IsFinal(ex, sync.Value))
        {
            logger.LogError("{Account} insights batch {BatchId} failed for run {RunId}: {Error}", command.AccountId, command.BatchId, command.RunId, ex.Message);
            await context.RespondAsync(new InsightsBatchFailed(command.RunId, command.AccountId, command.BatchId, ex.Message,
                (ex as GraphApiException)?.GraphCalls ?? 0));
        }
    }
}

public sealed class FetchInsightsBatchConsumerDefinition(IOptions<SyncOptions> sync)
    : FetcherConsumerDefinition<FetchInsightsBatchConsumer>(sync.Value, sync.Value.InsightFetchConcurrency);
