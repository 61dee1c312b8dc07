namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// One Graph call, from HTTP or from a batch: <see cref="Path"/> has no version and no slashes at the ends;
/// <see cref="Query"/> keeps the client's order so <c>paging.next</c> can carry the same query back.
/// </summary>
internal sealed record GraphRequest(
    string Method,
    string Version,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    string? Token,
    bool TokenInQuery,
    string BaseUrl)
{
    public string? Param(string name)
    {
        foreach (var (key, value) in Query)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Splits <c>/v25.0/act_1/ads</c> or <c>act_1/ads</c> into the version (or "") and the path.</summary>
    public static (string Version, string Path) SplitVersion(string rawPath)
    {
        var path = rawPath.Trim('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? path : path[..slash];
        if (IsVersion(first))
        {
            return (first, slash < 0 ? "" : path[(slash + 1)..].Trim('/'));
        }

        return ("", path);
    }

    /// <summary><c>vNN.N</c>, any numbers: the simulator answers every version alike.</summary>
    public static bool IsVersion(string segment)
    {
        if (segment.Length < 4 || segment[0] != 'v')
        {
            return false;
        }

        var dot = segment.IndexOf('.', StringComparison.Ordinal);
        return dot > 1 && dot < segment.Length - 1
            && segment.AsSpan(1, dot - 1).ContainsAnyExceptInRange('0', '9') is false
            && segment.AsSpan(dot + 1).ContainsAnyExceptInRange('0', '9') is false;
    }

    /// <summary>Parses <c>a=1&amp;b=x%20y</c> keeping order; repeated keys stay repeated.</summary>
    public static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add(new(Unescape(key), Unescape(value)));
        }

        return pairs;
    }

    static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}

/// <summary>What a Graph call answers: status, headers (usage headers included) and the JSON body.</summary>
/// <summary>One answer; <paramref name="ThrottledAccount"/> names the ad account whose throttle it tells the client of.
/// Disposed once sent: its body's buffer goes back to the pool.</summary>
internal sealed record GraphResponse(int StatusCode, List<KeyValuePair<string, string>> Headers, JsonBody Body, string? ThrottledAccount = null) : IDisposable
{
    public void Dispose() => Body.Dispose();
}
