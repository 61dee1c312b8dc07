using MetaAdsSync.GraphApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.RateGate;

public static class RateGateRegistration
{
    /// <summary>
    /// The PostgreSQL-shared gate in place of the per-process one, and what it adds to the check of <c>RateGate:*</c>
    /// (which <see cref="GraphApiRegistration.AddMetaGraphApi"/> binds). Call before that; needs an <c>NpgsqlDataSource</c> (<c>AddStorage</c>)
    /// for its statements and, keyed <paramref name="listenDataSourceKey"/>, the data source whose connection listens.
    /// </summary>
    public static IServiceCollection AddSharedRateGate(this IServiceCollection services, string listenDataSourceKey)
    {
        services.AddSingleton<IValidateOptions<RateGateOptions>, LeaseOutlastsACall>();
        services.AddSingleton(sp => new PostgresRateGate(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<RateGateOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PostgresRateGate>>(),
            sp.GetRequiredKeyedService<NpgsqlDataSource>(listenDataSourceKey)));
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
