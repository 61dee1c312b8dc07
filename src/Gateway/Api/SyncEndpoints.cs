using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Accounts;
using MetaAdsSync.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway.Api;

public static class SyncEndpoints
{
    // What the old "state" filter took besides the run statuses: the saga's states of the time, when the API showed
    // them. Frozen here as aliases of Running, whatever the saga's states are now.
    static readonly string[] OldRunningStates = ["FetchingEntities", "FetchingInsights"];

    public static RouteGroupBuilder MapSyncEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/meta-ads/sync", RequestSync).AddEndpointFilter<SyncQuotaFilter>()
            .WithSummary("Refresh the accounts list; with an accountId, start (or join) that account's sync.");
        api.MapGet("/syncs/{syncId}", GetSync).WithSummary("One sync run: live from its saga while it runs, from the history once it ended.");
        api.MapGet("/syncs", ListSyncs).WithSummary("Recent sync runs, newest first.");
        return api;
    }

    static async Task<IResult> RequestSync(
        HttpRequest request,
        ApiCaller caller,
        AccountsRefresher refresher,
        AccountQueries accounts,
        SyncQuota quota,
        IRequestClient<SyncAccountRequested> saga,
        IOptions<GatewayOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await SyncRequestBody.ReadAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        // The refresh runs alongside the sync, not before it: a known account starts at once.
        var refresh = refresher.RefreshAsync();
        if (body.AccountsOnly)
        {
            var refreshed = await refresh;
            return Results.Ok(new { accountsOnly = true, accountsRefreshed = refreshed, accounts = await accounts.ListAsync(caller.Scope, cancellationToken) });
        }

        // An account outside a scoped key's list answers exactly as one that does not exist. One recorded as unknown
        // or unreadable waits for the refresh, which may name it again; a readable one starts without waiting.
        var accountId = body.AccountId!;
        var access = caller.Sees(accountId) ? await accounts.AccessAsync(accountId, cancellationToken) : null;
        if (access is not { Accessible: true })
        {
            await refresh;
            access = caller.Sees(accountId) ? await accounts.AccessAsync(accountId, cancellationToken) : null;
            if (access is null)
            {
                return Problems.NotFound($"Ad account '{accountId}' is not in the accounts list of this token.");
            }

            if (!access.Accessible)
            {
                return Problems.AccessLost(accountId, access.Since, access.Reason);
            }
        }

        if (await quota.CheckRunningAsync(caller, accountId, cancellationToken) is { } tooMany)
        {
            return tooMany;
        }

        var message = new SyncAccountRequested(accountId, NewId.NextGuid(), body.DatePreset, SyncTrigger.Manual, body.Force, time.GetUtcNow(), caller.KeyId);
        Response<SyncAccepted, SyncRejected> answer;
        try
        {
            answer = await saga.GetResponse<SyncAccepted, SyncRejected>(message, cancellationToken, RequestTimeout.After(ms: (int)options.Value.SagaAnswerTimeout.TotalMilliseconds));
        }
        catch (RequestTimeoutException)
        {
            return Problems.Unavailable("The orchestrator did not answer in time; the sync may still start. Try again shortly.");
        }

        // The sync is already running; a slow Meta must not hold the answer (the refresh goes on in the background).
        var accountsRefreshed = await Settled(refresh, TimeSpan.FromSeconds(5));
        if (answer.Is(out Response<SyncAccepted>? acceptedResponse))
        {
            var accepted = acceptedResponse!.Message;
            return Results.Accepted($"/api/syncs/{accepted.RunId}", new
            {
                accountsOnly = false,
                syncId = accepted.RunId,
                accountId,
                datePreset = body.DatePreset,
                deduplicated = accepted.Deduplicated,
                accountsRefreshed,
                statusUrl = $"/api/syncs/{accepted.RunId}",
            });
        }

        return answer.Is(out Response<SyncRejected>? rejected)
            ? Problems.Conflict(rejected!.Message.Reason, rejected.Message.RunningRunId)
            : Problems.Unavailable("The orchestrator gave an answer this gateway does not know.");
    }

    static async Task<bool> Settled(Task<bool> refresh, TimeSpan wait)
    {
        try
        {
            return await refresh.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    static async Task<IResult> GetSync(string syncId, ApiCaller caller, SyncQueries syncs, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(syncId, out var id))
        {
            return Problems.BadRequest("syncId", "syncId must be a UUID, as returned by POST /api/meta-ads/sync.");
        }

        var run = await syncs.FindAsync(id, cancellationToken);
        return run is null || !caller.Sees(run.AccountId) ? Problems.NotFound($"No sync with id {id}.") : Results.Ok(run);
    }

    static async Task<IResult> ListSyncs(
        string? accountId, string? status, string? state, string? limit, ApiCaller caller, SyncQueries syncs, CancellationToken cancellationToken)
    {
        if (accountId is not null && !AccountQueries.IsAccountId(accountId))
        {
            return Problems.BadRequest("accountId", "accountId must match ^act_[0-9]{1,20}$.");
        }

        if (status is not null && state is not null)
        {
            return Problems.BadRequest("state", "state is the old name of status: give one of them.");
        }

        var (field, asked) = state is null ? ("status", status) : ("state", OldRunningStates.Contains(state) ? RunStatus.Running : state);
        if (asked is not null && !RunStatus.All.Contains(asked))
        {
            return Problems.BadRequest(field, $"{field} must be one of {string.Join(", ", RunStatus.All)}.");
        }

        if (!Paging.TryLimit(limit, 50, 500, out var take, out var problem))
        {
            return problem!;
        }

        return Results.Ok(await syncs.ListAsync(accountId, asked, take, caller.Scope, cancellationToken));
    }
}
