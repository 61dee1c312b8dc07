using System.Text.Json;
using System.Text.Json.Serialization;

namespace MetaAdsSync.Contracts;

/// <summary>Why a read failed, in words a person acts on (the API and the dashboard show it as <c>errorKind</c>).</summary>
public enum SyncErrorKind
{
    /// <summary>The token may not read this account (Meta's codes 10 and 200–299).</summary>
    NoPermission,
    /// <summary>The token is invalid or expired (code 190): every account is affected until it is replaced.</summary>
    TokenInvalid,
    /// <summary>Meta's rate limit; <see cref="FailureCause.LiftsAt"/> says when it lifts when Meta said so.</summary>
    Throttled,
    /// <summary>The account or object does not exist or is not visible (code 100, subcode 33).</summary>
    NotFound,
    /// <summary>Meta did not answer, answered 5xx or a transient error, past every retry.</summary>
    MetaUnavailable,
    /// <summary>Meta refused a page as too much data even at the smallest page size (<c>Meta:MinPageSize</c>).</summary>
    TooMuchData,
    /// <summary>Meta refused the call for another reason (e.g. a parameter it does not accept).</summary>
    MetaRefused,
    /// <summary>Our side failed (storage, a bug); Meta was not the cause.</summary>
    Internal,
}

/// <summary>
/// The cause of a failed read: its kind, Meta's own message, the call that failed (redacted: no token, no secret) and,
/// for a throttle, when it lifts.
/// </summary>
public sealed record FailureCause(SyncErrorKind Kind, string Message, string? Call = null, DateTimeOffset? LiftsAt = null)
{
    /// <summary>True when the kind says this token cannot read the account (as opposed to Meta or us failing).</summary>
    public bool MeansAccessLost => Kind is SyncErrorKind.NoPermission or SyncErrorKind.NotFound;

    static readonly JsonSerializerOptions Stored = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>As stored in the jsonb columns (<c>error_detail</c>, <c>last_error_detail</c>): camelCase, the kind by name.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Stored);

    public static FailureCause? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<FailureCause>(json, Stored);
}
