using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace MetaAdsSync.GraphApi;

/// <summary>
/// The Graph client's spans and metrics: one span per Graph call (the HttpClient span of each attempt nests in it),
/// calls and errors by edge and code, throttles, the usage Meta reports per rate key, and the time calls wait at the
/// rate gate. Hosts collect them by <see cref="Name"/>.
/// </summary>
public static class GraphTelemetry
{
    public const string Name = "MetaAdsSync.GraphApi";

    public static readonly ActivitySource Source = new(Name);

    static readonly Meter Meter = new(Name);

    static readonly Counter<long> Calls = Meter.CreateCounter<long>(
        "metaadssync.graph.calls", description: "Graph API calls (every attempt), by edge, use case, HTTP status and Meta error code.");

    static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "metaadssync.graph.errors", description: "Graph API calls that failed, by edge, error kind and Meta error code.");

    static readonly Counter<long> Throttles = Meter.CreateCounter<long>(
        "metaadssync.graph.throttles", description: "Graph API calls Meta throttled, by use case, code and whether the block is app-wide.");

    static readonly Histogram<double> GateWait = Meter.CreateHistogram<double>(
        "metaadssync.rategate.wait", unit: "s", description: "Time a Graph call waited at the rate gate before it was sent, by use case.");

    // Last usage Meta reported per rate key; read at each collection.
    static readonly ConcurrentDictionary<string, double> Usage = new(StringComparer.Ordinal);

    static GraphTelemetry() =>
        Meter.CreateObservableGauge(
            "metaadssync.graph.usage",
            () => Usage.Select(u => new Measurement<double>(u.Value, new KeyValuePair<string, object?>("key", u.Key))),
            unit: "%",
            description: "The usage percentage Meta last reported for a rate key (account and use case, or the app).");

    /// <summary>
    /// True while a start-up warm-up reads through <see cref="CannedGraph"/>: its calls never reached Meta, so they are
    /// neither counted nor traced, and the usage it made up is not reported.
    /// </summary>
    internal static readonly AsyncLocal<bool> Canned = new();

    /// <summary>Starts the span of one Graph call; null when no listener samples it.</summary>
    public static Activity? StartCall(Uri url, RateScope scope)
    {
        var activity = Canned.Value ? null : Source.StartActivity("graph " + Edge(url), ActivityKind.Internal);
        activity?.SetTag("graph.edge", Edge(url));
        activity?.SetTag("graph.use_case", GraphUsage.UseCaseType(scope.UseCase));
        activity?.SetTag("meta.account_id", scope.AccountId);
        return activity;
    }

    public static void RecordGateWait(RateScope scope, TimeSpan waited)
    {
        if (!Canned.Value)
        {
            GateWait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("use_case", GraphUsage.UseCaseType(scope.UseCase)));
        }
    }

    public static void RecordUsage(RateScope scope, GraphUsage usage)
    {
        if (Canned.Value)
        {
            return;
        }

        Usage[scope.ToString()] = usage.PercentFor(scope.UseCase);
        Usage["app"] = usage.AppPercent;
    }

    public static void RecordCall(Activity? activity, Uri url, RateScope scope, int httpStatus, GraphError? error)
    {
        var edge = Edge(url);
        var useCase = GraphUsage.UseCaseType(scope.UseCase);
        var code = error?.Code?.ToString(CultureInfo.InvariantCulture) ?? (error is null ? "none" : "unknown");
        var status = httpStatus == 0 ? "none" : httpStatus.ToString(CultureInfo.InvariantCulture);
        if (Canned.Value)
        {
            return;
        }

        Calls.Add(1, new TagList { { "edge", edge }, { "use_case", useCase }, { "http_status", status }, { "code", code } });
        activity?.SetTag("http.response.status_code", httpStatus == 0 ? null : httpStatus);
        if (error is null)
        {
            return;
        }

        var kind = error.Kind.ToString();
        Errors.Add(1, new TagList { { "edge", edge }, { "kind", kind }, { "code", code } });
        activity?.SetTag("graph.error.code", code);
        activity?.SetStatus(ActivityStatusCode.Error, kind);
        if (error.Kind == GraphErrorKind.Throttled)
        {
            Throttles.Add(1, new TagList { { "use_case", useCase }, { "code", code }, { "app_wide", error.Code == 4 } });
        }
    }

    /// <summary>The edge a URL reads (<c>campaigns</c>, <c>insights</c>, …), or <c>node</c> for an object by id: bounded label values.</summary>
    public static string Edge(Uri url)
    {
        var last = url.AbsolutePath.TrimEnd('/').Split('/')[^1];
        return last.Length == 0 || last.StartsWith("act_", StringComparison.Ordinal) || last.All(char.IsAsciiDigit) ? "node" : last;
    }
}
