using System.Text.RegularExpressions;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Api;
using MetaAdsSync.Gateway.Auth;
using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Gateway.Accounts;

public static partial class AccountEndpoints
{
    static readonly SortedSet<string> EffectiveStatuses = new SortedSet<string>(StringComparer.Ordinal)
    {
        "ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES", "CAMPAIGN_PAUSED", "ADSET_PAUSED",
        "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO",
    };

    const string Removed = "removed";

    public static RouteGroupBuilder MapAccountEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/accounts", async (ApiCaller caller, AccountQueries accounts, CancellationToken ct) => Results.Ok(await accounts.ListAsync(caller.Scope, ct)))
            .WithSummary("Every ad account with its staleness label, running sync and entity counts.");
        api.MapGet("/accounts/{accountId}/campaigns", (string accountId, HttpRequest request, ApiCaller caller, AccountQueries accounts, CancellationToken ct) =>
            Entities(accountId, caller, EntityLevel.Campaign, request, accounts, ct));
        api.MapGet("/accounts/{accountId}/adsets", (string accountId, HttpRequest request, ApiCaller caller, AccountQueries accounts, CancellationToken ct) =>
            Entities(accountId, caller, EntityLevel.AdSet, request, accounts, ct));
        api.MapGet("/accounts/{accountId}/ads", (string accountId, HttpRequest request, ApiCaller caller, AccountQueries accounts, CancellationToken ct) =>
            Entities(accountId, caller, EntityLevel.Ad, request, accounts, ct));
        return api;
    }

    static async Task<IResult> Entities(string accountId, ApiCaller caller, EntityLevel level, HttpRequest request, AccountQueries accounts, CancellationToken ct)
    {
        if (!AccountQueries.IsAccountId(accountId))
        {
            return Problems.BadRequest("accountId", "accountId must match ^act_[0-9]{1,20}$.");
        }

        var query = request.Query;
        var datePreset = query["datePreset"].FirstOrDefault() ?? SyncAccountRequested.DefaultDatePreset;
        if (!MetaDatePresets.All.Contains(datePreset))
        {
            return Problems.BadRequest("datePreset", $"datePreset must be one of Meta's presets: {string.Join(", ", MetaDatePresets.All)}.");
        }

        var status = query["status"].FirstOrDefault();
        if (status is not null && !EffectiveStatuses.Contains(status))
        {
            return Problems.BadRequest("status", $"status must be an effective status: {string.Join(", ", EffectiveStatuses)}.");
        }

        if (!Paging.TryLimit(query["limit"].FirstOrDefault(), 100, 500, out var limit, out var problem))
        {
            return problem!;
        }

        // Live objects by default; include=removed lists those a complete read no longer returned too.
        var include = query["include"].FirstOrDefault();
        if (include is not null && include != Removed)
        {
            return Problems.BadRequest("include", $"include must be '{Removed}' (to list objects Meta no longer returns beside the live ones) or absent.");
        }

        var after = query["after"].FirstOrDefault();
        if (after is not null && !MetaIdPattern().IsMatch(after))
        {
            return Problems.BadRequest("after", "after must be the id the previous page returned as 'after'.");
        }

        if (!caller.Sees(accountId) || !await accounts.ExistsAsync(accountId, ct))
        {
            return Problems.NotFound($"Ad account '{accountId}' is not known; POST /api/meta-ads/sync refreshes the list.");
        }

        return Results.Ok(await accounts.EntitiesAsync(accountId, level, datePreset, status, include == Removed, limit, after, ct));
    }

    [GeneratedRegex("^[0-9]{1,30}$", RegexOptions.CultureInvariant)]
    private static partial Regex MetaIdPattern();
}
