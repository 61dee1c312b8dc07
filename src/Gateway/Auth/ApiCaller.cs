using System.Reflection;
using System.Security.Claims;

namespace MetaAdsSync.Gateway.Auth;

/// <summary>
/// Who calls the API, as <see cref="ApiKeyAuthenticationHandler"/> established it: an API key's id (null when the API is
/// anonymous) and the ad accounts it may see (null: all). Endpoints take it as a parameter.
/// </summary>
public sealed class ApiCaller
{
    public const string AccountClaim = "metaadssync:account";

    static readonly ApiCaller Nobody = new(null, null);

    ApiCaller(string? keyId, IReadOnlySet<string>? accounts)
    {
        KeyId = keyId;
        Accounts = accounts;
    }

    public string? KeyId { get; }

    /// <summary>The accounts a scoped key may see; null for a key of all accounts (or the anonymous API).</summary>
    public IReadOnlySet<string>? Accounts { get; }

    /// <summary>Whether this caller may know that the account exists: anything else answers as if it did not.</summary>
    public bool Sees(string accountId) => Accounts is null || Accounts.Contains(accountId);

    /// <summary>The accounts a list is filtered to, for SQL's <c>= ANY(…)</c>; null: no filter.</summary>
    public string[]? Scope => Accounts?.ToArray();

    /// <summary>The caller's quota partition: its key, or its address when the API is anonymous.</summary>
    public static string Partition(HttpContext http) =>
        From(http.User).KeyId is { } keyId ? "key:" + keyId : "ip:" + http.Connection.RemoteIpAddress;

    public static ApiCaller From(ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true, AuthenticationType: ApiKeyAuthenticationHandler.SchemeName })
        {
            return Nobody;
        }

        var accounts = user.FindAll(AccountClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new ApiCaller(user.FindFirstValue(ClaimTypes.NameIdentifier), accounts.Count == 0 ? null : accounts);
    }

    public static ClaimsPrincipal Principal(ApiKeyOptions? key)
    {
        var claims = new List<Claim>();
        if (key is not null)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, key.Id));
            claims.AddRange(key.Accounts.Select(a => new Claim(AccountClaim, a)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthenticationHandler.SchemeName, ClaimTypes.NameIdentifier, null));
    }

    /// <summary>Minimal APIs bind an <see cref="ApiCaller"/> parameter from the request's user.</summary>
    public static ValueTask<ApiCaller?> BindAsync(HttpContext http, ParameterInfo parameter) => ValueTask.FromResult<ApiCaller?>(From(http.User));
}
