using System.ComponentModel;
using MetaAdsSync.Gateway.Api;
using MetaAdsSync.Gateway.Auth;

namespace MetaAdsSync.Gateway.Webhooks;

public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("", Register)
            .WithName("RegisterWebhook")
            .WithSummary("Register a URL and a secret for run outcomes and account events; the secret is never returned.")
            .WithDescription("""
                Each delivery is a POST of JSON signed as X-MetaAdsSync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
                t + "." + the raw body, keyed with the secret>; refuse a t more than 5 minutes from your clock. Deliveries are
                at least once: deduplicate on Idempotency-Key (the run id).
                """)
            .DescribesJsonBody<WebhookRequestBody>(required: true)
            .Produces<WebhookView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        webhooks.MapGet("", List)
            .WithName("ListWebhooks")
            .WithSummary("The caller's webhooks (a key of all accounts sees every one).")
            .Produces<List<WebhookView>>();
        webhooks.MapDelete("/{webhookId}", Delete)
            .WithName("DeleteWebhook")
            .WithSummary("Delete a webhook and the deliveries it is still owed.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("/{webhookId}/deliveries", Deliveries)
            .WithName("ListWebhookDeliveries")
            .WithSummary("A webhook's delivery log, newest first: status, attempts, last error.")
            .Produces<List<DeliveryView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
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

    static async Task<IResult> Deliveries(string webhookId, [Description("How many deliveries, 1 to 500 (default 50).")] string? limit, ApiCaller caller, WebhookStore store, CancellationToken cancellationToken)
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
