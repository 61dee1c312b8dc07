using MetaAdsSync.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Storage;

public static class StorageExtensions
{
    /// <summary>Binds and validates <c>ConnectionStrings:Postgres</c>, registers the DbContext factory, the NpgsqlDataSource of the set-based upserts and the schema readiness check.</summary>
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

        // Ready only once the Orchestrator has migrated.
        builder.Services.AddHealthChecks()
            .AddCheck<SchemaHealthCheck>("postgres-schema", HealthStatus.Unhealthy, [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}
