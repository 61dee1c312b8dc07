using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.GraphApi;

/// <summary>
/// Refuses to start while a pacing setting is still set under its old <c>Meta:*</c> name: bound nowhere any more, it
/// would be ignored without a word and the gate would run on its default.
/// </summary>
sealed class MovedSettings(IConfiguration configuration) : IValidateOptions<RateGateOptions>
{
    static readonly string[] MovedToRateGate =
    [
        nameof(RateGateOptions.MaxThrottleWait),
        nameof(RateGateOptions.DefaultThrottleWait),
        nameof(RateGateOptions.MaxConcurrentCalls),
        nameof(RateGateOptions.MaxSlowdownDelay),
        nameof(RateGateOptions.SlowdownFromPercent),
    ];

    public ValidateOptionsResult Validate(string? name, RateGateOptions options)
    {
        var stale = MovedToRateGate
            .Where(key => configuration.GetSection($"{MetaOptions.Section}:{key}").Value is not null)
            .Select(key => $"{MetaOptions.Section}:{key} has moved: set {RateGateOptions.Section}:{key} instead.")
            .ToList();
        return stale.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(stale);
    }
}
