using MetaAdsSync.GraphApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.RateGate;

public static class RateGateRegistration
{
    /// <summary>
    /// The PostgreSQL-shared gate in place of the per-process one, and what it adds to the check of <c>RateGate:*</c>
    /// (which <see cref="GraphApiRegistration.AddMetaGraphApi"/> binds). Call before that; needs an <c>NpgsqlDataSource</c> (<c>AddStorage</c>).
    /// </summary>
    public static IServiceCollection AddSharedRateGate(this IServiceCollection services)
    {
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
