using MetaAdsSync.GraphApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        services.AddSingleton<IValidateOptions<RateGateOptions>, LeaseOutlastsACall>();
        services.AddSingleton<PostgresRateGate>();
        services.AddSingleton<IRateGate>(sp => sp.GetRequiredService<PostgresRateGate>());
        return services;
    }
}

/// <summary>A permit is held for one HTTP attempt; a lease shorter than the attempt could hand its slot out twice.</summary>
sealed class LeaseOutlastsACall(IOptions<MetaOptions> meta) : IValidateOptions<RateGateOptions>
{
    public ValidateOptionsResult Validate(string? name, RateGateOptions options) =>
        options.LeaseTime > meta.Value.AttemptTimeout
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"RateGate:LeaseTime ({options.LeaseTime:g}) must be longer than Meta:AttemptTimeout ({meta.Value.AttemptTimeout:g}).");
}
