using MetaAdsSync.Gateway.Api;
using MetaAdsSync.Gateway.Auth;

namespace MetaAdsSync.Gateway.Webhooks;

public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/webhooks", Register).WithSummary("Register a URL and a secret for run outcomes and account events; the secret is never returned.");
        api.MapGet("/webhooks", List).WithSummary("The caller's webhooks (a key of all accounts sees every one).");
        api.MapDelete("/webhooks/{webhookId}", Delete).WithSummary("Delete a webhook and the deliveries it is still owed.");
        api.MapGet("/webhooks/{webhookId}/deliveries", Deliveries).WithSummary("A webhook's delivery log, newest first: status, attempts, last error.");
        return api;
    }

    static async Task<IResult> Register(HttpRequest request, ApiCaller caller, WebhookTargets targets, WebhookStore store, CancellationToken cancellationToken)
    {
        var (body, problem) = await WebhookRequestBody.ReadAsync(request, targets, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        var hook = await store.AddAsync(caller, body.Url, body.Secret, body.Events, cancellationToken);
        return Results.Created($"/api/webhooks/{hook.Id}", hook);
    }

    static async Task<IResult> List(ApiCaller caller, WebhookStore store, CancellationToken cancellationToken) =>
        Results.Ok(await store.ListAsync(caller, null, cancellationToken));

    static async Task<IResult> Delete(string webhookId, ApiCaller caller, WebhookStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(webhookId, out var id))
        {
            return BadId();
        }

        return await store.DeleteAsync(caller, id, cancellationToken) ? Results.NoContent() : Problems.NotFound($"No webhook with id {id}.");
    }

    static async Task<IResult> Deliveries(string webhookId, string? limit, ApiCaller caller, WebhookStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(webhookId, out var id))
        {
            return BadId();
        }

        if (!Paging.TryLimit(limit, 50, 500, out var take, out var problem))
        {
            return problem!;
        }

        return await store.DeliveriesAsync(caller, id, take, cancellationToken) is { } deliveries
            ? Results.Ok(deliveries)
            : Problems.NotFound($"No webhook with id {id}.");
    }

    static IResult BadId() => Problems.BadRequest("webhookId", "webhookId must be a UUID, as returned by POST /api/webhooks.");
}
