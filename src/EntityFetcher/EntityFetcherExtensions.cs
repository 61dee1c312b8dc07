using MassTransit;
using MetaAdsSync.Fetching;

namespace MetaAdsSync.EntityFetcher;

public static class EntityFetcherExtensions
{
    /// <summary>The Graph client, <c>Meta:*</c> and <c>Sync:*</c>, and the level sync behind the consumer.</summary>
    public static TBuilder AddEntityFetcher<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddFetcherDefaults();
        builder.Services.AddScoped<EntitySync>();
        builder.Services.AddScoped<RemovalReasons>();
        return builder;
    }

    public static void AddEntityFetcherConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<FetchEntitiesConsumer, FetchEntitiesConsumerDefinition>();
}
