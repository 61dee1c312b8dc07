using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Api;
using static MetaAdsSync.Gateway.Api.JsonBody;

namespace MetaAdsSync.Gateway.Webhooks;

/// <summary><c>{"url": "https://…", "secret": "…", "events": ["sync.completed", …]}</c>, every field required.</summary>
sealed record WebhookRequestBody(
    [property: Required, Description("Where deliveries are POSTed: http or https, no credentials, a public address (unless Gateway:WebhookAllowPrivateTargets).")]
    string Url,
    [property: Required, StringLength(WebhookRequestBody.MaxSecret, MinimumLength = WebhookRequestBody.MinSecret), Description("Signs every delivery (HMAC-SHA256); never returned.")]
    string Secret,
    [property: Required, MinLength(1), Description("Some of sync.completed, sync.partial, sync.failed, sync.timed_out, account.access_lost, account.access_restored.")]
    IReadOnlyList<string> Events)
{
    public const int MaxBytes = 16 * 1024;
    const int MinSecret = 16;
    const int MaxSecret = 256;

    public static async Task<(WebhookRequestBody? Body, IResult? Problem)> ReadAsync(
        HttpRequest request, WebhookTargets targets, CancellationToken cancellationToken)
    {
        var (root, problem) = await JsonBody.ReadAsync(request, MaxBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (root is not { } body)
        {
            return (null, Problems.BadRequest("body", "The body must be a JSON object with url, secret and events."));
        }

        string? url = null, secret = null;
        List<string>? events = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                return (null, Problems.BadRequest(Truncate(property.Name), $"'{Truncate(property.Name)}' appears more than once."));
            }

            var value = property.Value;
            switch (property.Name)
            {
                case "url" when value.ValueKind == JsonValueKind.String:
                    url = value.GetString();
                    break;
                case "secret" when value.ValueKind == JsonValueKind.String:
                    secret = value.GetString();
                    break;
                case "events" when value.ValueKind == JsonValueKind.Array:
                    events = [];
                    foreach (var item in value.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String || !WebhookEvents.All.Contains(item.GetString()))
                        {
                            return (null, Problems.BadRequest("events", $"events must name some of {string.Join(", ", WebhookEvents.All)}."));
                        }

                        events.Add(item.GetString()!);
                    }

                    break;
                case "url" or "secret" or "events":
                    return (null, Problems.BadRequest(property.Name, $"{property.Name} must be {(property.Name == "events" ? "an array of strings" : "a string")}, not {Kind(value)}."));
                default:
                    return (null, Problems.BadRequest(Truncate(property.Name), $"Unknown field '{Truncate(property.Name)}': the body takes url, secret and events."));
            }
        }

        if (url is null)
        {
            return (null, Problems.BadRequest("url", "url is required."));
        }

        if (await targets.CheckAsync(url, cancellationToken) is { } refused)
        {
            return (null, Problems.BadRequest("url", refused));
        }

        if (secret is null || secret.Length is < MinSecret or > MaxSecret)
        {
            return (null, Problems.BadRequest("secret", $"secret is required, {MinSecret} to {MaxSecret} characters: it signs each delivery."));
        }

        if (events is null || events.Count == 0)
        {
            return (null, Problems.BadRequest("events", $"events is required: some of {string.Join(", ", WebhookEvents.All)}."));
        }

        return (new WebhookRequestBody(url, secret, events.Distinct().ToList()), null);
    }
}
