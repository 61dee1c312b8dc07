using System.Security.Cryptography;
using System.Text.Encodings.Web;
using MetaAdsSync.Gateway.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway.Auth;

/// <summary>
/// The API's authentication scheme: one of <c>Gateway:ApiKeys</c> as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>.
/// The presented key's SHA-256 is compared with every configured digest in constant time. With
/// <c>Gateway:AllowAnonymous</c> a request that presents no key is let in as the anonymous caller; one that presents a
/// wrong key never is. Refusals are 401 problem+json.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<GatewayOptions> gateway)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    const string NotValid = "The API key is not valid.";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = gateway.Value;
        var apiKey = Request.Headers[ApiCredentials.ApiKeyHeader];
        if (apiKey.Count > 1 || Request.Headers.Authorization.Count > 1)
        {
            return Task.FromResult(AuthenticateResult.Fail("Send one API key, in one header."));
        }

        var presented = apiKey is [{ Length: > 0 } value] ? value : ApiCredentials.Bearer(Request);
        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(settings.AllowAnonymous
                ? Success(null)
                : AuthenticateResult.NoResult());
        }

        if (presented.Length > ApiCredentials.MaxLength)
        {
            return Task.FromResult(AuthenticateResult.Fail(NotValid));
        }

        var digest = ApiCredentials.Digest(presented);
        ApiKeyOptions? found = null;
        foreach (var key in settings.ApiKeys)
        {
            // Every digest is compared, so the time taken says nothing about which key came close.
            if (CryptographicOperations.FixedTimeEquals(digest, key.Digest()) && found is null)
            {
                found = key;
            }
        }

        return Task.FromResult(found is null ? AuthenticateResult.Fail(NotValid) : Success(found));
    }

    static AuthenticateResult Success(ApiKeyOptions? key) => AuthenticateResult.Success(new AuthenticationTicket(ApiCaller.Principal(key), SchemeName));

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Unauthorized(result.Failure?.Message ?? "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.")
            .ExecuteAsync(Context);
    }
}
