using System.ComponentModel;
using System.Text.Json.Serialization;
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
        var syncs = api.MapGroup("").WithTags("Syncs");
        syncs.MapPost("/meta-ads/sync", RequestSync).AddEndpointFilter<SyncQuotaFilter>()
            .WithName("RequestSync")
            .WithSummary("Refresh the accounts list; with an accountId, start (or join) that account's sync.")
            .WithDescription("""
                The body is read by hand within 16 KiB; an empty body, or accountId absent or "all", only refreshes the
                accounts list (200). Otherwise 202 with the run's syncId and its Location: a request while the account's
                sync runs joins it (deduplicated, same syncId); one for another date preset is 409 naming the running sync.
                Over Gateway:SyncRequestsPerMinute or Gateway:MaxRunningSyncsPerKey: 429 with Retry-After.
                """)
            .DescribesJsonBody<SyncRequestBody>(required: false)
            .Produces<SyncRequestAnswer>(StatusCodes.Status200OK)
            .Produces<SyncRequestAnswer>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        syncs.MapGet("/syncs/{syncId}", GetSync)
            .WithName("GetSync")
            .WithSummary("One sync run: live from its saga while it runs, from the history once it ended.")
            .WithDescription("status is Running while it runs, then Completed, Partial, Failed or TimedOut.")
            .Produces<SyncView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        syncs.MapGet("/syncs", ListSyncs)
            .WithName("ListSyncs")
            .WithSummary("Recent sync runs, newest first.")
            .WithDescription("Filtered by accountId and status (state is its old name); limit 1 to 500, 50 by default. A scoped key sees its accounts' runs only.")
            .Produces<List<SyncView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
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

        // The refresh runs alongside the sync, not before it: a known account's request goes to the saga first, and the
        // refresh starts after it (its Graph call and writes would otherwise share the cores with the request's own path).
        Task<bool>? refreshing = null;
        Task<bool> Refresh() => refreshing ??= refresher.RefreshAsync();
        if (body.AccountsOnly)
        {
            var refreshed = await Refresh();
            return Results.Ok(SyncRequestAnswer.Listed(refreshed, await accounts.ListAsync(caller.Scope, cancellationToken)));
        }

        // An account outside a scoped key's list answers exactly as one that does not exist. One recorded as unknown
        // or unreadable waits for the refresh, which may name it again; a readable one starts without waiting.
        var accountId = body.AccountId!;
        var access = caller.Sees(accountId) ? await accounts.AccessAsync(accountId, cancellationToken) : null;
        if (access is not { Accessible: true })
        {
            await Refresh();
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
            var asked = saga.GetResponse<SyncAccepted, SyncRejected>(message, cancellationToken, RequestTimeout.After(ms: (int)options.Value.SagaAnswerTimeout.TotalMilliseconds));
            _ = Refresh();
            answer = await asked;
        }
        catch (RequestTimeoutException)
        {
            return Problems.Unavailable("The orchestrator did not answer in time; the sync may still start. Try again shortly.");
        }

        // The sync is already running; a slow Meta must not hold the answer (the refresh goes on in the background).
        var accountsRefreshed = await Settled(Refresh(), TimeSpan.FromSeconds(5));
        if (answer.Is(out Response<SyncAccepted>? acceptedResponse))
        {
            var accepted = acceptedResponse!.Message;
            var statusUrl = $"/api/syncs/{accepted.RunId}";
            return Results.Accepted(statusUrl,
                SyncRequestAnswer.Started(accepted.RunId, accountId, body.DatePreset, accepted.Deduplicated, accountsRefreshed, statusUrl));
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

    static async Task<IResult> GetSync([Description("The syncId POST /api/meta-ads/sync answered (a UUID).")] string syncId, ApiCaller caller, SyncQueries syncs, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(syncId, out var id))
        {
            return Problems.BadRequest("syncId", "syncId must be a UUID, as returned by POST /api/meta-ads/sync.");
        }

        var run = await syncs.FindAsync(id, cancellationToken);
        return run is null || !caller.Sees(run.AccountId) ? Problems.NotFound($"No sync with id {id}.") : Results.Ok(run);
    }

    static async Task<IResult> ListSyncs(
        [Description("Only this ad account's runs (act_…).")] string? accountId,
        [Description("Only runs with this status: Running, Completed, Partial, Failed or TimedOut.")] string? status,
        [Description("The old name of status (FetchingEntities and FetchingInsights mean Running).")] string? state,
        [Description("How many runs, 1 to 500 (default 50).")] string? limit,
        ApiCaller caller, SyncQueries syncs, CancellationToken cancellationToken)
    {
        if (accountId is not null && !AccountQueries.IsAccountId(accountId))
        {
            return Problems.BadAccountId();
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

/// <summary>
/// The answer to <c>POST /api/meta-ads/sync</c>: with <see cref="AccountsOnly"/> (200) the refreshed accounts list (a
/// scoped key's accounts only); otherwise (202) the run's id, new or the running one it joined when
/// <see cref="Deduplicated"/>, and where to follow it. One shape for both, each answer carrying only its own fields:
/// client generators (NSwag, Kiota) give an operation one success type and treat any other 2xx as an error.
/// </summary>
public sealed record SyncRequestAnswer(
    [property: Description("True: only the accounts list was refreshed (200, accounts set); false: a sync was started or joined (202).")]
    bool AccountsOnly,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description("The run to follow (202).")]
    Guid? SyncId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description("The account being synced (202).")]
    string? AccountId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description("The run's date preset (202).")]
    string? DatePreset = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description("True when the request joined the account's running sync (202).")]
    bool? Deduplicated = null,
    [property: Description("Whether the accounts list was refreshed from Meta for this request (in time for the answer).")]
    bool AccountsRefreshed = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description("GET it to follow the run; also the Location header (202).")]
    string? StatusUrl = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description("The accounts the caller sees (200).")]
    IReadOnlyList<AccountView>? Accounts = null)
{
    public static SyncRequestAnswer Listed(bool refreshed, IReadOnlyList<AccountView> accounts) =>
        new(true, AccountsRefreshed: refreshed, Accounts: accounts);

    public static SyncRequestAnswer Started(Guid syncId, string accountId, string datePreset, bool deduplicated, bool refreshed, string statusUrl) =>
        new(false, syncId, accountId, datePreset, deduplicated, refreshed, statusUrl);
}
