using MassTransit;
using MetaAdsSync.Fetching;

namespace MetaAdsSync.InsightFetcher;

public static class InsightFetcherExtensions
{
    /// <summary>The Graph client, <c>Meta:*</c> and <c>Sync:*</c>, and the batch sync behind the consumer.</summary>
    public static TBuilder AddInsightFetcher<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddFetcherDefaults();
        builder.Services.AddScoped<InsightSync>();
        return builder;
    }

    public static void AddInsightFetcherConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<FetchInsightsBatchConsumer, FetchInsightsBatchConsumerDefinition>();
}
