using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway.Api;

/// <summary>
/// Requires one of <c>Gateway:ApiKeys</c>, as <c>Authorization: Bearer</c> or <c>X-Api-Key</c>, unless the Gateway
/// runs anonymously. Keys are compared in constant time.
/// </summary>
sealed class ApiKeyFilter(IOptions<GatewayOptions> options) : IEndpointFilter
{
    public const string ClientItem = "metaadssync.client";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var settings = options.Value;
        var http = context.HttpContext;
        var presented = Presented(http.Request);
        if (presented is not null && settings.ApiKeys.FirstOrDefault(k => SecretEquals(k, presented)) is { } key)
        {
            http.Items[ClientItem] = "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
            return await next(context);
        }

        if (settings.AllowAnonymous && presented is null)
        {
            http.Items[ClientItem] = "ip:" + http.Connection.RemoteIpAddress;
            return await next(context);
        }

        return Problems.Unauthorized(presented is null
            ? "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'."
            : "The API key is not valid.");
    }

    public static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var apiKey) && !string.IsNullOrEmpty(apiKey))
        {
            return apiKey.ToString();
        }

        return Bearer(request);
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, if there is one.</summary>
    public static string? Bearer(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    public static bool SecretEquals(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
