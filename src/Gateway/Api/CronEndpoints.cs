using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Accounts;
using MetaAdsSync.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway.Api;

public static class CronEndpoints
{
    /// <summary>The seed's cron route, kept as the hybrid scheduler's manual trigger: <c>Authorization: Bearer &lt;Cron:Secret&gt;</c>.</summary>
    public static IEndpointRouteBuilder MapCronEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/cron/sync-stale-accounts", SweepNow)
            .WithSummary("Run a stale-account sweep now; returns the syncs it requested.");
        return app;
    }

    static async Task<IResult> SweepNow(
        HttpRequest request,
        IOptions<CronOptions> cron,
        IRequestClient<RunStaleAccountSweep> scheduler,
        AccountsRefresher refresher,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var secret = cron.Value.Secret;
        var presented = ApiCredentials.Bearer(request) ?? "";
        if (string.IsNullOrEmpty(secret) || !ApiCredentials.SecretEquals(secret, presented))
        {
            return Problems.Unauthorized("Send 'Authorization: Bearer <Cron:Secret>'.");
        }

        // The sweep picks from the accounts the token can read now: an account gone from the list is skipped, one
        // back in it is a candidate again (a failed refresh leaves the recorded list standing).
        await refresher.RefreshAsync();
        try
        {
            var response = await scheduler.GetResponse<StaleAccountSweepCompleted>(new RunStaleAccountSweep(time.GetUtcNow()), cancellationToken,
                RequestTimeout.After(m: 2));
            return Results.Ok(new
            {
                skipped = response.Message.Skipped,
                requested = response.Message.Requested.Select(r => new { r.AccountId, syncId = r.RunId, statusUrl = $"/api/syncs/{r.RunId}" }),
            });
        }
        catch (RequestTimeoutException)
        {
            return Problems.Unavailable("The orchestrator did not answer in time.");
        }
    }
}
