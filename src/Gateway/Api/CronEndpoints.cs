using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway.Api;

public static class CronEndpoints
{
    /// <summary>The seed's cron route, kept as the hybrid scheduler's manual trigger: <c>Authorization: Bearer &lt;Cron:Secret&gt;</c>.</summary>
    public static IEndpointRouteBuilder MapCronEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/cron/sync-stale-accounts", SweepNow)
            .WithTags("Cron")
            .WithName("SweepStaleAccounts")
            .WithSummary("Run a stale-account sweep now; returns the syncs it requested.")
            .WithDescription("Behind its own secret, not an API key: Authorization: Bearer <Cron:Secret> (401 while Cron:Secret is unset).")
            .WithMetadata(new CronSecretMetadata())
            .Produces<SweepView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    static async Task<IResult> SweepNow(
        HttpRequest request,
        IOptions<CronOptions> cron,
        IRequestClient<RunStaleAccountSweep> scheduler,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var secret = cron.Value.Secret;
        var presented = ApiCredentials.Bearer(request) ?? "";
        if (string.IsNullOrEmpty(secret) || !ApiCredentials.SecretEquals(secret, presented))
        {
            return Problems.Unauthorized("Send 'Authorization: Bearer <Cron:Secret>'.");
        }

        try
        {
            var response = await scheduler.GetResponse<StaleAccountSweepCompleted>(new RunStaleAccountSweep(time.GetUtcNow()), cancellationToken,
                RequestTimeout.After(m: 2));
            return Results.Ok(new SweepView(
                response.Message.Skipped,
                [.. response.Message.Requested.Select(r => new SweepRequested(r.AccountId, r.RunId, $"/api/syncs/{r.RunId}"))]));
        }
        catch (RequestTimeoutException)
        {
            return Problems.Unavailable("The orchestrator did not answer in time.");
        }
    }
}

/// <summary>The syncs a sweep requested; <paramref name="Skipped"/> when another orchestrator was sweeping already.</summary>
public sealed record SweepView(bool Skipped, IReadOnlyList<SweepRequested> Requested);

public sealed record SweepRequested(string AccountId, Guid SyncId, string StatusUrl);

/// <summary>Marks the endpoint behind <c>Cron:Secret</c>, so the OpenAPI document names that scheme for it.</summary>
public sealed class CronSecretMetadata;
