using System.Text.RegularExpressions;
using MetaAdsSync.Gateway.Accounts;
using MetaAdsSync.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway;

/// <summary><c>Gateway:*</c>. API keys are secrets: compared in constant time, never logged (their ids are).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Keys accepted as <c>Authorization: Bearer …</c> or <c>X-Api-Key</c>.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>Serve the API to requests without a key (the demo on loopback). Refused unless said explicitly.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Sync requests per minute per API key (or per client address when anonymous), across every Gateway.</summary>
    public int SyncRequestsPerMinute { get; set; } = 120;

    /// <summary>Runs one API key may have running at once; a request that would start one more is refused.</summary>
    public int MaxRunningSyncsPerKey { get; set; } = 50;

    /// <summary>
    /// Whether <c>/metrics</c> answers without a key. Unset: open while no keys are configured, otherwise only to a key
    /// of all accounts. Open it where it is scraped on an internal port.
    /// </summary>
    public bool? MetricsAnonymous { get; set; }

    /// <summary>How long a sync request waits for the saga's answer.</summary>
    public TimeSpan SagaAnswerTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest one <c>GET /api/syncs/{id}/events</c> stream stays open; the client then reconnects with
    /// <c>Last-Event-ID</c> (a run longer than this is followed across streams).
    /// </summary>
    public TimeSpan EventStreamMaxDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Let webhooks point at loopback, private, link-local and metadata addresses (tests, a private network). Off by default.</summary>
    public bool WebhookAllowPrivateTargets { get; set; }

    /// <summary>How long one delivery may take, connection included.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per delivery before it is marked Failed.</summary>
    public int WebhookMaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt, doubled after each further one (jittered), at most <see cref="WebhookRetryMaxDelay"/>.</summary>
    public TimeSpan WebhookRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan WebhookRetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the sender looks for due deliveries when it found none.</summary>
    public TimeSpan WebhookPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public bool MetricsOpen => MetricsAnonymous ?? ApiKeys.Count == 0;
}

/// <summary><c>Cron:Secret</c>: the bearer secret of the stale-account sweep endpoint, as in the seed's cron route.</summary>
public sealed class CronOptions
{
    public const string Section = "Cron";

    public string Secret { get; set; } = "";
}

sealed partial class ValidateGatewayOptions : IValidateOptions<GatewayOptions>
{
    const string Shape = "each key is {Id, Key (the key in clear) or Sha256 (its SHA-256 in hex), Accounts (optional ad account ids)}, "
        + "e.g. Gateway__ApiKeys__0__Id=ops and Gateway__ApiKeys__0__Key=<key>";

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (options.ApiKeys.Count == 0 && !options.AllowAnonymous)
        {
            failures.Add("Gateway:ApiKeys is empty: configure at least one key, or set Gateway:AllowAnonymous=true to serve the API without keys.");
        }

        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            failures.AddRange(Check($"Gateway:ApiKeys:{i}", options.ApiKeys[i]));
        }

        if (options.ApiKeys.GroupBy(k => k.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            failures.Add($"Gateway:ApiKeys: the id '{twice.Key}' is used twice; ids name keys in logs and quotas.");
        }

        if (options.ApiKeys.Select(k => k.Digest()).OfType<byte[]>().GroupBy(Convert.ToHexString).Any(g => g.Count() > 1))
        {
            failures.Add("Gateway:ApiKeys: two entries have the same key.");
        }

        if (options.SyncRequestsPerMinute is < 1 or > 100_000)
        {
            failures.Add("Gateway:SyncRequestsPerMinute must be between 1 and 100000.");
        }

        if (options.MaxRunningSyncsPerKey is < 1 or > 100_000)
        {
            failures.Add("Gateway:MaxRunningSyncsPerKey must be between 1 and 100000.");
        }

        if (options.SagaAnswerTimeout <= TimeSpan.Zero || options.SagaAnswerTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Gateway:SagaAnswerTimeout must be between 0 and 5 minutes.");
        }

        if (options.EventStreamMaxDuration < TimeSpan.FromSeconds(1) || options.EventStreamMaxDuration > TimeSpan.FromHours(1))
        {
            failures.Add("Gateway:EventStreamMaxDuration must be between 1 second and 1 hour.");
        }

        if (options.WebhookTimeout < TimeSpan.FromMilliseconds(100) || options.WebhookTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("Gateway:WebhookTimeout must be between 100 ms and 2 minutes.");
        }

        if (options.WebhookMaxAttempts is < 1 or > 50)
        {
            failures.Add("Gateway:WebhookMaxAttempts must be between 1 and 50.");
        }

        if (options.WebhookRetryBaseDelay <= TimeSpan.Zero || options.WebhookRetryMaxDelay < options.WebhookRetryBaseDelay)
        {
            failures.Add("Gateway:WebhookRetryBaseDelay must be positive and at most Gateway:WebhookRetryMaxDelay.");
        }

        if (options.WebhookPollInterval < TimeSpan.FromMilliseconds(50) || options.WebhookPollInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add("Gateway:WebhookPollInterval must be between 50 ms and 1 minute.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    static IEnumerable<string> Check(string at, ApiKeyOptions key)
    {
        if (!IdPattern().IsMatch(key.Id))
        {
            yield return $"{at}:Id must match ^[A-Za-z0-9][A-Za-z0-9._-]{{0,63}}$ (it is logged; the key never is): {Shape}.";
        }

        var clear = !string.IsNullOrEmpty(key.Key);
        var hashed = !string.IsNullOrEmpty(key.Sha256);
        if (clear == hashed)
        {
            yield return $"{at}: set exactly one of Key and Sha256: {Shape}.";
        }
        else if (clear && key.Key!.Length is < 16 or > ApiCredentials.MaxLength)
        {
            yield return $"{at}:Key must be between 16 and {ApiCredentials.MaxLength} characters.";
        }
        else if (hashed && key.Digest() is null)
        {
            yield return $"{at}:Sha256 must be 64 hex digits (e.g. printf %s \"$KEY\" | sha256sum).";
        }

        if (key.Accounts.FirstOrDefault(a => !AccountQueries.IsAccountId(a)) is { } account)
        {
            yield return $"{at}:Accounts: '{account}' does not match ^act_[0-9]{{1,20}}$.";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
