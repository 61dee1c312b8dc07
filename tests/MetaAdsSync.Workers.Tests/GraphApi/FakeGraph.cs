using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace MetaAdsSync.Workers.Tests.GraphApi;

/// <summary>
/// A small stand-in for graph.facebook.com at the HTTP level: serves lists in Meta's envelope with cursor paging
/// (the <c>next</c> link carries <c>access_token=</c>, as Meta's do), and lets a test script errors and headers.
/// </summary>
public sealed class FakeGraph : HttpMessageHandler
{
    public const string Token = "EAAB-fake-secret-token-4242";
    public const string BaseUrl = "https://graph.test";

    readonly ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage?>> _scripted = new();
    readonly ConcurrentDictionary<string, IReadOnlyList<JsonElement>> _edges = new();

    public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();

    /// <summary>Rows larger than this many per page are refused with "reduce the amount of data" (in <see cref="ReduceVariant"/>'s shape).</summary>
    public int? MaxRowsPerPage { get; set; }
    public int ReduceVariant { get; set; }

    /// <summary>The share of data requests answered with a transient 503 (code 2), drawn from a fixed seed.</summary>
    public double TransientFaultRate { get; set; }
    readonly Random _faults = new(20261129);
    public Dictionary<string, string> ExtraHeaders { get; } = [];

    public void Serve(string path, IEnumerable<object> rows) =>
        _edges[path] = rows.Select(r => JsonSerializer.SerializeToElement(r)).ToList();

    /// <summary>The next request (any path) gets this answer instead; return null to fall through to the data.</summary>
    public void Then(Func<HttpRequestMessage, HttpResponseMessage?> answer) => _scripted.Enqueue(answer);

    public void ThenError(HttpStatusCode status, object error, IDictionary<string, string>? headers = null) =>
        Then(_ => Json(status, new { error }, headers));

    public int CallsTo(string pathSuffix) => Requests.Count(r => r.RequestUri!.AbsolutePath.EndsWith(pathSuffix, StringComparison.Ordinal));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        if (_scripted.TryDequeue(out var scripted) && scripted(request) is { } answer)
        {
            return Task.FromResult(answer);
        }

        bool fault;
        lock (_faults)
        {
            fault = _faults.NextDouble() < TransientFaultRate;
        }

        if (fault)
        {
            return Task.FromResult(Json(HttpStatusCode.ServiceUnavailable, new { error = new { message = "Service temporarily unavailable", type = "OAuthException", code = 2, is_transient = true } }));
        }

        var path = request.RequestUri!.AbsolutePath;
        var key = _edges.Keys.FirstOrDefault(k => path.EndsWith("/" + k, StringComparison.Ordinal));
        if (key is null)
        {
            return Task.FromResult(Json(HttpStatusCode.BadRequest, new
            {
                error = new { message = "Unsupported get request.", type = "GraphMethodException", code = 100, error_subcode = 33, fbtrace_id = "A1" },
            }));
        }

        var query = QueryHelpers.ParseQuery(request.RequestUri.Query);
        var limit = query.TryGetValue("limit", out var l) ? int.Parse(l!, System.Globalization.CultureInfo.InvariantCulture) : 25;
        if (limit > MaxRowsPerPage)
        {
            return Task.FromResult(ReduceTheData());
        }

        var rows = _edges[key];
        var after = query.TryGetValue("after", out var a) ? int.Parse(a!, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var page = rows.Skip(after).Take(limit).ToList();
        var end = after + page.Count;
        object paging = end < rows.Count
            ? new
            {
                cursors = new { before = after.ToString(System.Globalization.CultureInfo.InvariantCulture), after = end.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                next = $"{BaseUrl}{path}?access_token={Token}&limit={limit}&after={end}",
            }
            : new { cursors = new { before = after.ToString(System.Globalization.CultureInfo.InvariantCulture), after = end.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        return Task.FromResult(Json(HttpStatusCode.OK, new { data = page, paging }, ExtraHeaders));
    }

    HttpResponseMessage ReduceTheData() => ReduceVariant switch
    {
        1 => Json(HttpStatusCode.InternalServerError, new { error = new { message = "Please reduce the amount of data you're asking for, then retry your request", type = "OAuthException", code = 1, fbtrace_id = "B2" } }),
        2 => Json(HttpStatusCode.InternalServerError, new { error = new { message = "An unknown error occurred", type = "OAuthException", code = 1, error_subcode = 99, error_user_msg = "Please reduce the amount of data you're asking for, then retry your request", fbtrace_id = "B3" } }),
        _ => Json(HttpStatusCode.BadRequest, new { error = new { message = "Please reduce the amount of data you're asking for, then retry your request", type = "OAuthException", code = 100, error_subcode = 1487534, fbtrace_id = "B1" } }),
    };

    public static HttpResponseMessage Json(HttpStatusCode status, object body, IDictionary<string, string>? headers = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
