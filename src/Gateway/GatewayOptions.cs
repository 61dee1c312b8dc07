using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway;

/// <summary><c>Gateway:*</c>. API keys are secrets: compared in constant time, never logged.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Keys accepted as <c>Authorization: Bearer …</c> or <c>X-Api-Key</c>.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Serve the API without keys (the demo on loopback). Refused unless said explicitly.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Sync requests per minute per API key (or per client address when anonymous).</summary>
    public int SyncRequestsPerMinute { get; set; } = 120;

    /// <summary>How long a sync request waits for the saga's answer.</summary>
    public TimeSpan SagaAnswerTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary><c>Cron:Secret</c>: the bearer secret of the stale-account sweep endpoint, as in the seed's cron route.</summary>
public sealed class CronOptions
{
    public const string Section = "Cron";

    public string Secret { get; set; } = "";
}

sealed class ValidateGatewayOptions : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (options.ApiKeys.Count == 0 && !options.AllowAnonymous)
        {
            failures.Add("Gateway:ApiKeys is empty: configure at least one key, or set Gateway:AllowAnonymous=true to serve the API without keys.");
        }

        if (options.ApiKeys.Any(k => k.Length < 16))
        {
            failures.Add("Gateway:ApiKeys: every key must be at least 16 characters.");
        }

        if (options.SyncRequestsPerMinute is < 1 or > 100_000)
        {
            failures.Add("Gateway:SyncRequestsPerMinute must be between 1 and 100000.");
        }

        if (options.SagaAnswerTimeout <= TimeSpan.Zero || options.SagaAnswerTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Gateway:SagaAnswerTimeout must be between 0 and 5 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
