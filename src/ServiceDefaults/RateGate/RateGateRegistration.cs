using MetaAdsSync.GraphApi;
using Microsoft.Extensions.DependencyInjection;

namespace MetaAdsSync.ServiceDefaults.RateGate;

public static class RateGateRegistration
{
    /// <summary>
    /// <c>RateGate:*</c> (validated at start) and the PostgreSQL-shared gate in place of the per-process one. Call before
    /// <see cref="GraphApiRegistration.AddMetaGraphApi"/>; needs the data source of <c>AddStorage</c>.
    /// </summary>
    public static IServiceCollection AddSharedRateGate(this IServiceCollection services)
    {
        services.AddOptions<RateGateOptions>()
            .BindConfiguration(RateGateOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<PostgresRateGate>();
        services.AddSingleton<IRateGate>(sp => sp.GetRequiredService<PostgresRateGate>());
        return services;
    }
}
