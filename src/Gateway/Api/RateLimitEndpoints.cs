using MetaAdsSync.RateGate;

namespace MetaAdsSync.Gateway.Api;

public static class RateLimitEndpoints
{
    public static RouteGroupBuilder MapRateLimitEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/ratelimits", ListKeys)
            .WithSummary("The shared rate gate per key (app, account/use case): Meta's last reported usage, allowed concurrency, calls in flight, block.");
        return api;
    }

    static async Task<IResult> ListKeys(PostgresRateGate gate, TimeProvider time, CancellationToken cancellationToken)
    {
        var keys = await gate.ReadAsync(cancellationToken);
        return Results.Ok(new { at = time.GetUtcNow(), keys });
    }
}
