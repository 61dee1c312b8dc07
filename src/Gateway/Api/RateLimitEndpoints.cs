using MetaAdsSync.Gateway.Auth;
using MetaAdsSync.RateGate;

namespace MetaAdsSync.Gateway.Api;

public static class RateLimitEndpoints
{
    public static RouteGroupBuilder MapRateLimitEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/ratelimits", ListKeys)
            .WithTags("Rate limits")
            .WithName("ListRateLimits")
            .Produces<RateLimitsView>()
            .WithSummary("The shared rate gate per key (app, account/use case): Meta's last reported usage, allowed concurrency, calls in flight, block. A scoped API key sees the app's key and its accounts' keys.");
        return api;
    }

    static async Task<IResult> ListKeys(ApiCaller caller, PostgresRateGate gate, TimeProvider time, CancellationToken cancellationToken)
    {
        var keys = (await gate.ReadAsync(cancellationToken)).Where(k => k.AccountId is null || caller.Sees(k.AccountId));
        return Results.Ok(new RateLimitsView(time.GetUtcNow(), [.. keys]));
    }
}

/// <summary>The shared rate gate's keys as they stand <paramref name="At"/>.</summary>
public sealed record RateLimitsView(DateTimeOffset At, IReadOnlyList<RateGateKeyStatus> Keys);
