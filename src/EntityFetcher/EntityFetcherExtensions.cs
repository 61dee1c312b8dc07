using MetaAdsSync.Contracts;
using MetaAdsSync.ServiceDefaults;
using MassTransit;
using MetaAdsSync.Fetching;

namespace MetaAdsSync.EntityFetcher;

public static class EntityFetcherExtensions
{
    /// <summary>The Graph client, <c>Meta:*</c> and <c>Sync:*</c>, the write path's warm-up, and the level sync behind the consumer.</summary>
    public static TBuilder AddEntityFetcher<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddFetcherDefaults();
        builder.Services.AddScoped<EntitySync>();
        builder.Services.AddScoped<RemovalReasons>();
        // Ahead of the bus (AddMessaging comes after): the write path is warm before the first message is taken.
        builder.Services.AddHostedService<EntityWarmUp>();
        return builder;
    }

    /// <summary>What the host publishes and consumes, warmed once its bus has started.</summary>
    public static MessageWarmUp WarmUp { get; } = new([typeof(EntitiesFetched), typeof(EntityFetchFailed)], [typeof(FetchEntities)]);

    public static void AddEntityFetcherConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<FetchEntitiesConsumer, FetchEntitiesConsumerDefinition>();
}
