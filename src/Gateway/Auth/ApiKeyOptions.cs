using System.Security.Cryptography;
using System.Text;

namespace MetaAdsSync.Gateway.Auth;

/// <summary>
/// One entry of <c>Gateway:ApiKeys</c>: an id (what logs, quotas and the run history name), the key in clear
/// (<see cref="Key"/>) or its SHA-256 in hex (<see cref="Sha256"/>), and the ad accounts it may see (none listed: all).
/// A bare string, the shape before ids existed, is read as a key in clear with the id <c>key-</c> + the first 12 hex
/// digits of its SHA-256.
/// </summary>
public sealed class ApiKeyOptions
{
    public string Id { get; set; } = "";

    public string? Key { get; set; }

    public string? Sha256 { get; set; }

    public List<string> Accounts { get; set; } = [];

    byte[]? _digest;

    /// <summary>The SHA-256 the presented key's digest is compared with; null while neither form is valid.</summary>
    public byte[]? Digest() => _digest ??=
        Key is { Length: > 0 } key ? ApiCredentials.Digest(key)
        : Sha256 is { Length: 64 } hex && hex.All(Uri.IsHexDigit) ? Convert.FromHexString(hex)
        : null;

    /// <summary>
    /// The entries of <c>Gateway:ApiKeys</c> in order, bare strings included (the configuration binder would drop them,
    /// shifting every index a message names).
    /// </summary>
    public static List<ApiKeyOptions> ReadAll(IConfigurationSection keys) =>
        [.. keys.GetChildren().Select(entry => entry.GetChildren().Any()
            ? entry.Get<ApiKeyOptions>() ?? new ApiKeyOptions()
            : new ApiKeyOptions { Id = "key-" + Convert.ToHexStringLower(ApiCredentials.Digest(entry.Value ?? ""))[..12], Key = entry.Value })];
}

/// <summary>How a caller presents a secret, and how one is compared: SHA-256 digests, in constant time.</summary>
public static class ApiCredentials
{
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Longer than any key anyone configures; a longer header is refused before it is hashed.</summary>
    public const int MaxLength = 512;

    public static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool SecretEquals(string expected, string presented) => CryptographicOperations.FixedTimeEquals(Digest(expected), Digest(presented));

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, if there is one.</summary>
    public static string? Bearer(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1)
        {
            return null;
        }

        var value = authorization.ToString();
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..].Trim() : null;
    }
}
