using MetaAdsSync.Contracts;
using MetaAdsSync.ServiceDefaults;
using MassTransit;
using MetaAdsSync.Fetching;

namespace MetaAdsSync.InsightFetcher;

public static class InsightFetcherExtensions
{
    /// <summary>The Graph client, <c>Meta:*</c> and <c>Sync:*</c>, the write path's warm-up, and the batch sync behind the consumer.</summary>
    public static TBuilder AddInsightFetcher<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddFetcherDefaults();
        builder.Services.AddScoped<InsightSync>();
        // Ahead of the bus (AddMessaging comes after): the write path is warm before the first message is taken.
        builder.Services.AddHostedService<InsightWarmUp>();
        return builder;
    }

    /// <summary>What the host publishes and consumes, warmed once its bus has started.</summary>
    public static MessageWarmUp WarmUp { get; } = new([typeof(InsightsBatchFetched), typeof(InsightsBatchFailed)], [typeof(FetchInsightsBatch)]);

    public static void AddInsightFetcherConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<FetchInsightsBatchConsumer, FetchInsightsBatchConsumerDefinition>();
}
