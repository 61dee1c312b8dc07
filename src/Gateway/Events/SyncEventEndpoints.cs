using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Api;
using MetaAdsSync.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway.Events;

/// <summary>
/// <c>GET /api/syncs/{id}/events</c>: a run as server-sent events. First the run's current state (one query), then a
/// <c>progress</c> event (id: the run's sequence) as the saga records pages and batches (at most every
/// <c>Sync:ProgressInterval</c>), then one <c>outcome</c>
/// event, and the stream ends. The outcome carries no id: a client resuming after it receives it again.
/// </summary>
public static class SyncEventEndpoints
{
    public const string Progress = "progress";
    public const string Outcome = "outcome";

    public static RouteGroupBuilder MapSyncEventEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/syncs/{syncId}/events", StreamEvents)
            .WithTags("Syncs")
            .WithName("StreamSyncEvents")
            .WithSummary("One sync run as server-sent events: its state now, its progress as it happens, then its outcome.")
            .WithDescription("""
                text/event-stream: a "progress" event (id: the run's sequence) as the run records pages and insight batches
                (at most every Sync:ProgressInterval of the Orchestrator), then
                one "outcome" event (no id), and the stream ends. Each event's data is the run as GET /api/syncs/{syncId}
                answers it (the SyncView schema). Send Last-Event-ID to resume after that event; a stream lasts at most
                Gateway:EventStreamMaxDuration. Read it as a stream (fetch in a browser), so the key stays a header.
                """)
            // A stream of events, not one JSON body: generated clients hand the caller the stream to read.
            .Produces<Stream>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    static async Task<IResult> StreamEvents(
        string syncId, HttpContext http, ApiCaller caller, SyncQueries syncs, SyncEventHub hub, IOptions<GatewayOptions> options)
    {
        if (!Guid.TryParse(syncId, out var id))
        {
            return Problems.BadRequest("syncId", "syncId must be a UUID, as returned by POST /api/meta-ads/sync.");
        }

        if (!TryLastEventId(http.Request.Headers["Last-Event-ID"], out var after))
        {
            return Problems.BadRequest("Last-Event-ID", "Last-Event-ID must be the id of an event of this stream (a whole number).");
        }

        // Subscribed before the run is read, so an event published in between is not lost.
        var subscription = hub.Subscribe(id);
        http.Response.RegisterForDispose(subscription);
        var run = await syncs.FindAsync(id, http.RequestAborted);
        if (run is null || !caller.Sees(run.AccountId))
        {
            subscription.Dispose();
            return Problems.NotFound($"No sync with id {id}.");
        }

        var stream = Events(run, after, subscription, syncs, options.Value.EventStreamMaxDuration, http.RequestAborted);
        return TypedResults.ServerSentEvents(stream);
    }

    static async IAsyncEnumerable<SseItem<SyncView>> Events(
        SyncView run, long after, SyncEventHub.Subscription subscription, SyncQueries syncs, TimeSpan maxDuration,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var _ = subscription;
        if (run.HasEnded)
        {
            yield return new SseItem<SyncView>(run, Outcome);
            yield break;
        }

        var last = after;
        if (run.Sequence > last)
        {
            last = run.Sequence.Value;
            yield return ProgressItem(run);
        }

        // A stream lives at most this long; the client reconnects with Last-Event-ID, which also heals a stream whose
        // outcome message this Gateway never received.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(maxDuration);
        while (true)
        {
            object message;
            try
            {
                message = await subscription.Events.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (message is SyncProgressed progressed)
            {
                if (progressed.Sequence > last)
                {
                    last = progressed.Sequence;
                    yield return ProgressItem(SyncView.From(progressed));
                }

                continue;
            }

            // The saga committed the run's history before it published the outcome: one query reads what GET answers.
            if (await syncs.FindAsync(run.SyncId, cancellationToken) is { HasEnded: true } ended)
            {
                yield return new SseItem<SyncView>(ended, Outcome);
            }

            yield break;
        }
    }

    static SseItem<SyncView> ProgressItem(SyncView view) =>
        new(view, Progress) { EventId = view.Sequence!.Value.ToString(CultureInfo.InvariantCulture) };

    static bool TryLastEventId(string? header, out long id)
    {
        id = -1;
        return string.IsNullOrEmpty(header)
            || (header.Length <= 19 && long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out id));
    }
}
