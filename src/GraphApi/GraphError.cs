using System.Net;
using System.Text.Json;

namespace MetaAdsSync.GraphApi;

/// <summary>What a failed Graph call means for the caller.</summary>
public enum GraphErrorKind
{
    /// <summary>A rate limit (codes 4, 17, 32, 613, 80000–80014): wait as the rate gate says, then retry.</summary>
    Throttled,
    /// <summary>"Please reduce the amount of data you're asking for": halve the page size and retry the same cursor.</summary>
    PayloadTooLarge,
    /// <summary>Code 190: the token is invalid or expired. Never retried.</summary>
    Auth,
    /// <summary>Codes 10 and 200–299. Never retried.</summary>
    Permission,
    /// <summary>Code 100 subcode 33: the object does not exist or is not visible. Never retried.</summary>
    NotFound,
    /// <summary>Codes 1 and 2, <c>is_transient</c>, HTTP 5xx, timeouts, a dropped connection: retried with backoff.</summary>
    Transient,
    /// <summary>Anything else Meta refuses (e.g. a bad parameter). Never retried.</summary>
    Invalid,
}

/// <summary>Meta's error envelope, classified. <see cref="RegainAccessIn"/> is set for throttles when Meta says it.</summary>
public sealed record GraphError(
    GraphErrorKind Kind,
    string Message,
    int? Code = null,
    int? Subcode = null,
    int? HttpStatus = null,
    string? FbTraceId = null,
    TimeSpan? RegainAccessIn = null)
{
    public bool IsRetryable => Kind is GraphErrorKind.Transient or GraphErrorKind.Throttled;

    public override string ToString() =>
        $"{Kind}: {Message}" + (Code is null ? "" : $" (code {Code}{(Subcode is null ? "" : "/" + Subcode)}{(HttpStatus is null ? "" : ", HTTP " + HttpStatus)})");

    const string ReduceDataPhrase = "reduce the amount of data";

    /// <summary>Classifies an error response. <paramref name="body"/> may be anything, including not JSON at all.</summary>
    public static GraphError FromResponse(HttpStatusCode status, string body, TimeSpan? regainAccessIn)
    {
        var httpStatus = (int)status;
        Envelope? envelope = TryReadEnvelope(body);
        if (envelope is null)
        {
            var kind = httpStatus >= 500 || status == HttpStatusCode.RequestTimeout ? GraphErrorKind.Transient : GraphErrorKind.Invalid;
            return new GraphError(kind, $"HTTP {httpStatus} without a Graph error envelope", HttpStatus: httpStatus);
        }

        var e = envelope.Value;
        var message = e.Message ?? "(no message)";
        return new GraphError(Classify(e, httpStatus), message, e.Code, e.Subcode, httpStatus, e.FbTraceId, regainAccessIn);
    }

    static GraphErrorKind Classify(Envelope e, int httpStatus)
    {
        // All three observed shapes of the same refusal: 100/1487534, code 1 with HTTP 500, and 1/99 with the phrase only in the user message.
        if (e.Subcode == 1487534 || Mentions(e.Message, ReduceDataPhrase) || Mentions(e.UserMessage, ReduceDataPhrase))
        {
            return GraphErrorKind.PayloadTooLarge;
        }

        return e.Code switch
        {
            4 or 17 or 32 or 613 => GraphErrorKind.Throttled,
            >= 80000 and <= 80014 => GraphErrorKind.Throttled,
            190 => GraphErrorKind.Auth,
            10 or (>= 200 and <= 299) => GraphErrorKind.Permission,
            100 when e.Subcode == 33 => GraphErrorKind.NotFound,
            1 or 2 => GraphErrorKind.Transient,
            _ when e.IsTransient => GraphErrorKind.Transient,
            _ when httpStatus >= 500 => GraphErrorKind.Transient,
            _ => GraphErrorKind.Invalid,
        };
    }

    static bool Mentions(string? text, string phrase) =>
        text is not null && text.Contains(phrase, StringComparison.OrdinalIgnoreCase);

    readonly record struct Envelope(string? Message, int? Code, int? Subcode, string? UserMessage, string? FbTraceId, bool IsTransient);

    static Envelope? TryReadEnvelope(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new Envelope(
                MetaJson.String(error, "message"),
                MetaJson.Int(error, "code"),
                MetaJson.Int(error, "error_subcode"),
                MetaJson.String(error, "error_user_msg"),
                MetaJson.String(error, "fbtrace_id"),
                error.TryGetProperty("is_transient", out var t) && t.ValueKind == JsonValueKind.True);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A Graph call that did not succeed, even after the retries its kind allows.</summary>
public class GraphApiException(GraphError error, string? context = null, Exception? inner = null)
    : Exception(context is null ? error.ToString() : $"{context}: {error}", inner)
{
    public GraphError Error { get; } = error;

    /// <summary>The failed call (<c>GET</c> and its redacted URL), from this exception or the one it wraps; null when no call was made.</summary>
    public string? Call => _context is not null && _context.StartsWith("GET ", StringComparison.Ordinal)
        ? _context
        : (InnerException as GraphApiException)?.Call;

    readonly string? _context = context;

    /// <summary>The HTTP calls spent on the failed request, rejected page sizes and retries included.</summary>
    public int GraphCalls { get; internal set; }
}

/// <summary>The rate gate refused to wait: Meta blocks this scope for longer than <c>RateGate:MaxThrottleWait</c>.</summary>
public sealed class RateGateBlockedException(GraphError error, string context) : GraphApiException(error, context);

/// <summary>
/// No permit within <c>RateGate:AcquireTimeout</c>: the scope is busy (its share of Meta's budget is spoken for), not
/// broken. The consumer gives its message back for a later retry rather than holding a slot while it waits.
/// </summary>
public sealed class RateGateBusyException(GraphError error, string context) : GraphApiException(error, context);
