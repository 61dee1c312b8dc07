using MetaAdsSync.GraphSimulator.Data;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// What a path names: <c>me</c>, <c>me/adaccounts</c>, a node (<c>act_1</c>, a campaign, ad set or ad id), an
/// edge of one (<c>campaigns</c>, <c>adsets</c>, <c>ads</c>, <c>insights</c>), or the root with <c>ids=…</c>. Unknown
/// ids, edges and extra path components fail the way Meta fails them.
/// </summary>
internal sealed record Route(string Endpoint, AdAccount? Account, AdObject? Node, Level? Edge)
{
    public bool IsInsights => Endpoint is "insights" or "report";

    /// <summary>Set for an async report's status (<c>report</c>) and its rows (<c>insights</c>).</summary>
    public Reports.ReportRun? Report { get; init; }

    /// <summary>For <c>GET /?ids=…</c>: the ids asked for, each once, in order.</summary>
    public IReadOnlyList<string>? Ids { get; init; }

    public static Route Parse(string path, string? ids, DataSet data, Reports reports)
    {
        if (path.Length == 0)
        {
            return ObjectsById.Route(ids, data);
        }

        var segments = path.Split('/');
        var first = segments[0];
        if (segments.Length > 2)
        {
            throw GraphErrors.UnknownPath(string.Join('/', segments[2..]));
        }

        var edge = segments.Length == 2 ? segments[1] : null;
        if (first == "me")
        {
            return edge switch
            {
                null => new Route("me", null, null, null),
                "adaccounts" => new Route("me/adaccounts", null, null, null),
                _ => throw GraphErrors.NonexistingField(edge, "User"),
            };
        }

        if (first.StartsWith("act_", StringComparison.Ordinal))
        {
            var account = data.Account(first) ?? throw GraphErrors.UnknownObject(first);
            return edge switch
            {
                null => new Route("account", account, null, null),
                "campaigns" => new Route("campaigns", account, null, Level.Campaign),
                "adsets" => new Route("adsets", account, null, Level.AdSet),
                "ads" => new Route("ads", account, null, Level.Ad),
                "insights" => new Route("insights", account, null, Level.Account),
                _ => throw GraphErrors.NonexistingField(edge, "AdAccount"),
            };
        }

        if (reports.Find(first) is { } report)
        {
            return edge switch
            {
                null => new Route("report", report.Account, null, null) { Report = report },
                "insights" => new Route("insights", report.Account, null, Level.Account) { Report = report },
                _ => throw GraphErrors.NonexistingField(edge, "AdReportRun"),
            };
        }

        var node = data.Object(first) ?? throw GraphErrors.UnknownObject(first);
        return (edge, node.Level) switch
        {
            (null, _) => new Route("object", node.Account, node, null),
            ("insights", _) => new Route("insights", node.Account, node, node.Level),
            ("adsets", Level.Campaign) => new Route("adsets", node.Account, node, Level.AdSet),
            ("ads", Level.Campaign or Level.AdSet) => new Route("ads", node.Account, node, Level.Ad),
            _ => throw GraphErrors.NonexistingField(edge, ObjectWriter.For(node.Level).Name),
        };
    }

    /// <summary>The account a path concerns, for in-flight counting before the call is checked; null when none.</summary>
    public static string? PeekAccount(string path, DataSet data, Reports reports)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? path : path[..slash];
        return first.StartsWith("act_", StringComparison.Ordinal) ? data.Account(first)?.Id
            : (data.Object(first)?.Account ?? reports.Find(first)?.Account)?.Id;
    }
}
