namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>Meta's error envelope, as data; <see cref="GraphException"/> carries it out of a handler.</summary>
internal sealed record GraphError(
    int HttpStatus,
    string Message,
    string Type,
    int Code,
    int? Subcode = null,
    string? UserTitle = null,
    string? UserMessage = null,
    bool IsTransient = false)
{
    public ErrorKind Kind { get; init; } = ErrorKind.Other;
}

internal enum ErrorKind
{
    Other,
    Auth,
    Throttle,
    Payload,
    Transient,
}

internal sealed class GraphException(GraphError error) : Exception(error.Message)
{
    public GraphError Error { get; } = error;
}

/// <summary>The errors Meta sends, with the codes, subcodes and wording of <c>meta-graph-api.md</c>.</summary>
internal static class GraphErrors
{
    const string OAuth = "OAuthException";
    const string ReducePhrase = "Please reduce the amount of data you're asking for, then retry your request";

    public static GraphException MissingToken() => new(new GraphError(400,
        "An active access token must be used to query information about the current user.", OAuth, 190)
    { Kind = ErrorKind.Auth });

    public static GraphException InvalidToken() => new(new GraphError(400,
        "Invalid OAuth access token - Cannot parse access token", OAuth, 190)
    { Kind = ErrorKind.Auth });

    public static GraphException ExpiredToken() => new(new GraphError(400,
        "Error validating access token: Session has expired on Sunday, 01-Nov-26 00:00:00 PST. The current time is later.",
        OAuth, 190, 463)
    { Kind = ErrorKind.Auth });

    public static GraphException NoPermission() => new(new GraphError(400,
        "(#200) Ad account owner has NOT grant ads_management or ads_read permission", OAuth, 200)
    { Kind = ErrorKind.Auth });

    public static GraphException UnknownObject(string id) => UnsupportedMethod("GET", id);

    public static GraphException UnsupportedMethod(string method, string path) => new(new GraphError(400,
        $"Unsupported {method.ToLowerInvariant()} request. Object with ID '{path}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        "GraphMethodException", 100, 33));

    public static GraphException UnknownPath(string rest) => new(new GraphError(400,
        $"Unknown path components: /{rest}", OAuth, 2500));

    public static GraphException NonexistingField(string field, string nodeType) => new(new GraphError(400,
        $"(#100) Tried accessing nonexisting field ({field}) on node type ({nodeType})", OAuth, 100));

    public static GraphException InvalidParameter(string message) => new(new GraphError(400,
        $"(#100) {message}", OAuth, 100));

    public static GraphException InvalidCursor(string name) => new(new GraphError(400,
        $"(#100) The '{name}' cursor is not valid for this request. Cursors are opaque: pass back only what paging returned.",
        OAuth, 100, 1349228));

    /// <summary>What <c>GET /?ids=…</c> answers when one of the ids cannot be found (Meta fails the whole call).</summary>
    public static GraphException AliasesDoNotExist(IEnumerable<string> ids) => new(new GraphError(404,
        $"(#803) Some of the aliases you requested do not exist: {string.Join(",", ids)}", OAuth, 803));

    public static GraphException HistoryLimit() => new(new GraphError(400,
        $"(#3018) The start date of the time range cannot be beyond {InsightPeriod.HistoryMonths} months from the current date", OAuth, 3018));

    /// <summary>A request line longer than the front end takes: HTTP 414, with Meta's envelope so a client can read why.</summary>
    public static GraphException UrlTooLong(int length, int limit) => new(new GraphError(414,
        $"(#100) Request-URI Too Long: the request URL has {length} characters, more than the {limit} accepted", OAuth, 100));

    public static GraphException TooManyInBatch(int count) => new(new GraphError(400,
        $"(#100) Too many requests in batch message. Maximum batch size is 50; this batch has {count}.", OAuth, 100));

    public static GraphException PayloadTooLarge(PayloadErrorVariant variant) => new(variant switch
    {
        PayloadErrorVariant.CodeOneServerError => new GraphError(500,
            ReducePhrase, OAuth, 1, IsTransient: false)
        { Kind = ErrorKind.Payload },
        PayloadErrorVariant.UnknownErrorWithUserMessage => new GraphError(500,
            "An unknown error occurred", OAuth, 1, 99, "Unknown error", ReducePhrase)
        { Kind = ErrorKind.Payload },
        _ => new GraphError(400, ReducePhrase, OAuth, 100, 1487534, "Reduce the amount of data", ReducePhrase)
        { Kind = ErrorKind.Payload },
    });

    public static GraphException Transient(bool serviceUnavailable) => new(serviceUnavailable
        ? new GraphError(503, "(#2) Service temporarily unavailable", OAuth, 2, 1504043, IsTransient: true) { Kind = ErrorKind.Transient }
        : new GraphError(500, "An unexpected error has occurred. Please retry your request later.", OAuth, 2, IsTransient: true) { Kind = ErrorKind.Transient });

    public static GraphException AppThrottled() => new(new GraphError(400,
        "(#4) Application request limit reached", OAuth, 4, IsTransient: true)
    { Kind = ErrorKind.Throttle });

    public static GraphException AccountThrottled(ThrottleErrorVariant variant, bool insights) => new(variant switch
    {
        ThrottleErrorVariant.UserRequestLimit => new GraphError(400,
            "(#17) User request limit reached", OAuth, 17, 2446079,
            "Ad Account Has Too Many API Calls", "There have been too many calls from this ad-account. Please wait a bit and try again.", true),
        ThrottleErrorVariant.AdAccountLimit => new GraphError(400,
            "(#613) Calls to this api have exceeded the rate limit.", OAuth, 613, 1487742,
            "Too Many Calls", "There have been too many calls from this ad-account. Please wait a bit and try again.", true),
        _ when insights => new GraphError(400,
            "(#80000) There have been too many calls from this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-insights.",
            OAuth, 80000, 2446079, IsTransient: true),
        _ => new GraphError(400,
            "(#80004) There have been too many calls to this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-management.",
            OAuth, 80004, 2446079, IsTransient: true),
    } with { Kind = ErrorKind.Throttle });
}
