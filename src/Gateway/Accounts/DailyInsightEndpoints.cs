using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Api;
using MetaAdsSync.Gateway.Auth;
using MetaAdsSync.Storage;

namespace MetaAdsSync.Gateway.Accounts;

/// <summary>
/// <c>GET /api/accounts/{id}/insights/daily</c> (one entity's days) and <c>…/daily/totals</c> (a level's sums per day):
/// the rows <c>Sync:DailyInsightDays</c> keeps, in the account's calendar. Without <c>since</c>/<c>until</c> the last
/// 28 days up to the account's today.
/// </summary>
public static partial class DailyInsightEndpoints
{
    /// <summary>The longest range one request reads (the longest window <c>Sync:DailyInsightDays</c> allows).</summary>
    public const int MaxRangeDays = 400;

    const int DefaultRangeDays = 28;

    public static RouteGroupBuilder MapDailyInsightEndpoints(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags("Accounts");
        accounts.MapGet("/{accountId}/insights/daily", (
                [Description("The ad account (act_ and up to 20 digits).")] string accountId,
                [Description("The id of the campaign, ad set or ad (required).")] string? entityId,
                [Description("campaign (default), adset or ad.")] string? level,
                [Description("First day, YYYY-MM-DD in the account's time zone (default: 27 days before until).")] string? since,
                [Description("Last day, YYYY-MM-DD (default: the account's today); at most 400 days after since.")] string? until,
                ApiCaller caller, DailyInsightQueries daily, TimeProvider time, CancellationToken ct) =>
                Days(accountId, entityId, new RangeQuery(level, since, until), caller, daily, time, ct))
            .WithName("ListDailyInsights")
            .WithSummary("One entity's daily insights (kind: daily) over a date range of the account's calendar.")
            .Produces<DailyInsightsView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        accounts.MapGet("/{accountId}/insights/daily/totals", (
                [Description("The ad account (act_ and up to 20 digits).")] string accountId,
                [Description("campaign (default), adset or ad.")] string? level,
                [Description("First day, YYYY-MM-DD in the account's time zone (default: 27 days before until).")] string? since,
                [Description("Last day, YYYY-MM-DD (default: the account's today); at most 400 days after since.")] string? until,
                ApiCaller caller, DailyInsightQueries daily, TimeProvider time, CancellationToken ct) =>
                Totals(accountId, new RangeQuery(level, since, until), caller, daily, time, ct))
            .WithName("ListDailyTotals")
            .WithSummary("A level's daily insights summed over its entities, every day of the range (kind: daily).")
            .Produces<DailyTotalsView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>The query's level and range as sent, checked by <see cref="ReadAsync"/>.</summary>
    sealed record RangeQuery(string? Level, string? Since, string? Until);

    static async Task<IResult> Days(
        string accountId, string? entityId, RangeQuery range, ApiCaller caller, DailyInsightQueries daily, TimeProvider time, CancellationToken ct)
    {
        if (entityId is null || !AccountQueries.IsObjectId(entityId))
        {
            return Problems.BadRequest("entityId", "entityId is required: the id of a campaign, ad set or ad of the level (digits only).");
        }

        var (query, problem) = await ReadAsync(accountId, range, caller, daily, time, ct);
        if (query is null)
        {
            return problem!;
        }

        if (!await daily.EntityExistsAsync(accountId, query.Level, entityId, ct))
        {
            return Problems.NotFound($"No {EntityLevels.Name(query.Level)} '{entityId}' is stored for {accountId}.");
        }

        var days = await daily.DaysAsync(accountId, query.Level, entityId, query.Since, query.Until, ct);
        return Results.Ok(new DailyInsightsView(DailyInsightQueries.Kind, accountId, EntityLevels.Name(query.Level), entityId, query.Since, query.Until, query.Timezone, days));
    }

    static async Task<IResult> Totals(string accountId, RangeQuery range, ApiCaller caller, DailyInsightQueries daily, TimeProvider time, CancellationToken ct)
    {
        var (query, problem) = await ReadAsync(accountId, range, caller, daily, time, ct);
        if (query is null)
        {
            return problem!;
        }

        var days = await daily.TotalsAsync(accountId, query.Level, query.Since, query.Until, ct);
        return Results.Ok(new DailyTotalsView(DailyInsightQueries.Kind, accountId, EntityLevels.Name(query.Level), query.Since, query.Until, query.Timezone, query.Currency, days));
    }

    sealed record DailyQuery(EntityLevel Level, DateOnly Since, DateOnly Until, string? Timezone, string? Currency);

    /// <summary>The account (404 for one the caller may not see), the level and the range, each checked by name.</summary>
    static async Task<(DailyQuery? Query, IResult? Problem)> ReadAsync(
        string accountId, RangeQuery range, ApiCaller caller, DailyInsightQueries daily, TimeProvider time, CancellationToken ct)
    {
        if (!AccountQueries.IsAccountId(accountId))
        {
            return (null, Problems.BadAccountId());
        }

        if (EntityLevels.Parse(range.Level ?? "campaign") is not { } level)
        {
            return (null, Problems.BadRequest("level", "level must be campaign, adset or ad."));
        }

        DateOnly? since = null, until = null;
        foreach (var (field, text, set) in new (string, string?, Action<DateOnly>)[] { ("since", range.Since, d => since = d), ("until", range.Until, d => until = d) })
        {
            if (text is null)
            {
                continue;
            }

            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return (null, Problems.BadRequest(field, $"{field} must be a date as YYYY-MM-DD."));
            }

            set(date);
        }

        if (since > until)
        {
            return (null, Problems.BadRequest("since", "since must not be after until."));
        }

        if (since is { } s && until is { } u && u.DayNumber - s.DayNumber >= MaxRangeDays)
        {
            return (null, Problems.BadRequest("until", $"The range may span at most {MaxRangeDays} days."));
        }

        if (!caller.Sees(accountId) || await daily.AccountAsync(accountId, ct) is not { } account)
        {
            return (null, Problems.NotFound($"Ad account '{accountId}' is not known; POST /api/meta-ads/sync refreshes the list."));
        }

        until ??= since?.AddDays(DefaultRangeDays - 1) ?? AccountCalendar.Today(account.Timezone, time.GetUtcNow(), out _);
        since ??= until.Value.AddDays(1 - DefaultRangeDays);
        return (new DailyQuery(level, since.Value, until.Value, account.Timezone, account.Currency), null);
    }
}
