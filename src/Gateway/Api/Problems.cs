namespace MetaAdsSync.Gateway.Api;

/// <summary>Every error the API returns is RFC 9457 problem+json, saying what was wrong and, where it applies, which field.</summary>
static class Problems
{
    public static IResult BadRequest(string field, string detail) =>
        Results.Problem(statusCode: 400, title: "The request is not valid.", detail: detail,
            extensions: new Dictionary<string, object?> { ["field"] = field });

    public static IResult NotFound(string detail) => Results.Problem(statusCode: 404, title: "Not found.", detail: detail);

    public static IResult Unauthorized(string detail) => Results.Problem(statusCode: 401, title: "Unauthorized.", detail: detail);

    public static IResult Conflict(string detail, Guid? runningSyncId) =>
        Results.Problem(statusCode: 409, title: "A sync is already running.", detail: detail,
            extensions: new Dictionary<string, object?> { ["runningSyncId"] = runningSyncId });

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
