using System.ComponentModel;
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
        var accounts = api.MapGroup("/accounts").WithTags("Accounts");
        accounts.MapGet("", async (ApiCaller caller, AccountQueries queries, CancellationToken ct) => Results.Ok(await queries.ListAsync(caller.Scope, ct)))
            .WithName("ListAccounts")
            .WithSummary("Every ad account with its staleness label, running sync and entity counts.")
            .Produces<List<AccountView>>();
        MapEntities(accounts, "campaigns", EntityLevel.Campaign, "ListCampaigns");
        MapEntities(accounts, "adsets", EntityLevel.AdSet, "ListAdSets");
        MapEntities(accounts, "ads", EntityLevel.Ad, "ListAds");
        return api;
    }

    static void MapEntities(RouteGroupBuilder accounts, string edge, EntityLevel level, string name) =>
        accounts.MapGet("/{accountId}/" + edge, (
                [Description("The ad account (act_ and up to 20 digits).")] string accountId,
                [Description("Meta's date preset of the insights shown (last_7d when absent).")] string? datePreset,
                [Description("Only entities with this effective status (ACTIVE, PAUSED, WITH_ISSUES, …).")] string? status,
                [Description("How many, 1 to 500 (default 100).")] string? limit,
                [Description("The after cursor the previous page returned.")] string? after,
                [Description("'removed' lists the objects Meta no longer returns beside the live ones.")] string? include,
                ApiCaller caller, AccountQueries queries, CancellationToken ct) =>
                Entities(accountId, new EntityQuery(datePreset, status, limit, after, include), caller, level, queries, ct))
            .WithName(name)
            .WithSummary($"The account's stored {edge} with their latest insights for the date preset, keyset-paged.")
            .Produces<EntityPageView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

    sealed record EntityQuery(string? DatePreset, string? Status, string? Limit, string? After, string? Include);

    static async Task<IResult> Entities(string accountId, EntityQuery query, ApiCaller caller, EntityLevel level, AccountQueries accounts, CancellationToken ct)
    {
        if (!AccountQueries.IsAccountId(accountId))
        {
            return Problems.BadAccountId();
        }

        var datePreset = query.DatePreset ?? SyncAccountRequested.DefaultDatePreset;
        if (!MetaDatePresets.All.Contains(datePreset))
        {
            return Problems.BadRequest("datePreset", $"datePreset must be one of Meta's presets: {string.Join(", ", MetaDatePresets.All)}.");
        }

        var status = query.Status;
        if (status is not null && !EffectiveStatuses.Contains(status))
        {
            return Problems.BadRequest("status", $"status must be an effective status: {string.Join(", ", EffectiveStatuses)}.");
        }

        if (!Paging.TryLimit(query.Limit, 100, 500, out var limit, out var problem))
        {
            return problem!;
        }

        // Live objects by default; include=removed lists those a complete read no longer returned too.
        var include = query.Include;
        if (include is not null && include != Removed)
        {
            return Problems.BadRequest("include", $"include must be '{Removed}' (to list objects Meta no longer returns beside the live ones) or absent.");
        }

        var after = query.After;
        if (after is not null && !AccountQueries.IsObjectId(after))
        {
            return Problems.BadRequest("after", "after must be the id the previous page returned as 'after'.");
        }

        if (!caller.Sees(accountId) || !await accounts.ExistsAsync(accountId, ct))
        {
            return Problems.NotFound($"Ad account '{accountId}' is not known; POST /api/meta-ads/sync refreshes the list.");
        }

        return Results.Ok(await accounts.EntitiesAsync(accountId, level, datePreset, status, include == Removed, limit, after, ct));
    }
}
