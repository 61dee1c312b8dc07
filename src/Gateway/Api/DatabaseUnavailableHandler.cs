using Microsoft.AspNetCore.Diagnostics;
using MetaAdsSync.ServiceDefaults;
using Npgsql;

namespace MetaAdsSync.Gateway.Api;

/// <summary>
/// PostgreSQL unreachable, restarting, or a pooled connection it closed while restarting: the API answers 503
/// problem+json with <c>Retry-After</c>, not 500. The pool is cleared, so the connections the restart broke fail
/// this one request rather than one request each. A pool that stayed full for <c>Postgres:AcquireTimeout</c> is the
/// same 503, without the clearing: its connections are busy, not broken.
/// </summary>
sealed class DatabaseUnavailableHandler(NpgsqlDataSource database, IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not NpgsqlException { IsTransient: true } and not NpgsqlException { InnerException: TimeoutException or IOException })
        {
            return false;
        }

        logger.LogWarning("Database unavailable for {Path}: {Error}", httpContext.Request.Path, exception.Message);
        if (!PoolWaits.IsPoolExhausted(exception))
        {
            database.Clear();
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Try again shortly.",
                Detail = "The database is unavailable for a moment; the request can be repeated.",
            },
        });
    }
}
