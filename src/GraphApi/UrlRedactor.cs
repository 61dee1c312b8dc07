using System.Text.RegularExpressions;

namespace MetaAdsSync.GraphApi;

/// <summary>Hides secrets that Meta puts in URLs (<c>paging.next</c> carries <c>access_token=</c>) before a URL is logged.</summary>
public static partial class UrlRedactor
{
    public const string Mask = "REDACTED";

    public static string Redact(string? url) =>
        url is null ? "" : SecretParameter().Replace(url, m => m.Groups[1].Value + Mask);

    public static string Redact(Uri? url) => Redact(url?.ToString());

    [GeneratedRegex(@"((?:^|[?&;])(?:access_token|appsecret_proof|client_secret|input_token)=)[^&#;]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();
}
