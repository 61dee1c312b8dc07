using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MetaAdsSync.Gateway.Webhooks;

/// <summary>
/// <c>X-MetaAdsSync-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + body)&gt;</c>. A receiver
/// recomputes it over the raw body and refuses a timestamp older than <see cref="ReplayWindow"/>.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-MetaAdsSync-Signature";
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Mac(secret, t, body)}";
    }

    /// <summary>What a receiver does: the signature matches the body and its time is within the replay window of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > ReplayWindow)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(secret, t, body)), Encoding.ASCII.GetBytes(v1));
    }

    static string Mac(string secret, string t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body)));
}
