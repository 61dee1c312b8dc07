namespace MetaAdsSync.Gateway.Api;

/// <summary>Every error the API returns is RFC 9457 problem+json, saying what was wrong and, where it applies, which field.</summary>
static class Problems
{
    public static IResult BadRequest(string field, string detail) =>
        Results.Problem(statusCode: 400, title: "The request is not valid.", detail: detail,
            extensions: new Dictionary<string, object?> { ["field"] = field });

    /// <summary>An <c>accountId</c> that is not Meta's <c>act_</c> id (<c>AccountQueries.IsAccountId</c>).</summary>
    public static IResult BadAccountId() => BadRequest("accountId", "accountId must match ^act_[0-9]{1,20}$.");

    public static IResult NotFound(string detail) => Results.Problem(statusCode: 404, title: "Not found.", detail: detail);

    public static IResult Unauthorized(string detail) => Results.Problem(statusCode: 401, title: "Unauthorized.", detail: detail);

    public static IResult Conflict(string detail, Guid? runningSyncId) =>
        Results.Problem(statusCode: 409, title: "A sync is already running.", detail: detail,
            extensions: new Dictionary<string, object?> { ["runningSyncId"] = runningSyncId });

    /// <summary>409 for an account the token can no longer read: no run starts until Meta's accounts list names it again.</summary>
    public static IResult AccessLost(string accountId, DateTimeOffset? since, string? reason) =>
        Results.Problem(statusCode: 409, title: "The token can no longer read this account.",
            detail: $"The access token can no longer read ad account '{accountId}'{(since is null ? "" : $" (since {since:u})")}: {reason} "
                + "No sync was started; it will be possible again once the token's accounts list includes the account.",
            extensions: new Dictionary<string, object?> { ["accountId"] = accountId, ["accessLostAt"] = since, ["reason"] = reason });

    /// <summary>429 with <c>Retry-After</c> in whole seconds.</summary>
    public static IResult TooManyRequests(string detail, TimeSpan retryAfter) =>
        new WithRetryAfter(Results.Problem(statusCode: 429, title: "Too many requests.", detail: detail), retryAfter);

    public static IResult Unavailable(string detail) => Results.Problem(statusCode: 503, title: "Try again shortly.", detail: detail);

    sealed class WithRetryAfter(IResult problem, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return problem.ExecuteAsync(httpContext);
        }
    }
}
