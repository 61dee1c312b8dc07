using MetaAdsSync.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.ServiceDefaults;

public static class StorageExtensions
{
    /// <summary>Binds and validates <c>ConnectionStrings:Postgres</c>, registers the DbContext factory, the NpgsqlDataSource of the set-based upserts (its pool warmed at start) and the schema readiness check.</summary>
    public static TBuilder AddStorage<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ConnectionStringOptions>()
            .BindConfiguration(ConnectionStringOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddDbContextFactory<SyncDbContext>((sp, options) =>
            StorageRegistration.Configure(options, sp.GetRequiredService<IOptions<ConnectionStringOptions>>().Value.Postgres));

        builder.Services.AddSingleton(sp =>
            StorageRegistration.CreateDataSource(sp.GetRequiredService<IOptions<ConnectionStringOptions>>().Value.Postgres));

        builder.Services.AddHostedService<StorageWarmUp>();
        builder.Services.AddHealthChecks().AddSchemaCheck();
        return builder;
    }
}
