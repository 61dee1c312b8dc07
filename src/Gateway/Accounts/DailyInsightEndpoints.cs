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
        api.MapGet("/accounts/{accountId}/insights/daily", Days)
            .WithSummary("One entity's daily insights (kind: daily) over a date range of the account's calendar.");
        api.MapGet("/accounts/{accountId}/insights/daily/totals", Totals)
            .WithSummary("A level's daily insights summed over its entities, every day of the range (kind: daily).");
        return api;
    }

    static async Task<IResult> Days(string accountId, HttpRequest request, ApiCaller caller, DailyInsightQueries daily, TimeProvider time, CancellationToken ct)
    {
        var entityId = request.Query["entityId"].FirstOrDefault();
        if (entityId is null || !MetaIdPattern().IsMatch(entityId))
        {
            return Problems.BadRequest("entityId", "entityId is required: the id of a campaign, ad set or ad of the level (digits only).");
        }

        var (query, problem) = await ReadAsync(accountId, request, caller, daily, time, ct);
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

    static async Task<IResult> Totals(string accountId, HttpRequest request, ApiCaller caller, DailyInsightQueries daily, TimeProvider time, CancellationToken ct)
    {
        var (query, problem) = await ReadAsync(accountId, request, caller, daily, time, ct);
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
        string accountId, HttpRequest request, ApiCaller caller, DailyInsightQueries daily, TimeProvider time, CancellationToken ct)
    {
        if (!AccountQueries.IsAccountId(accountId))
        {
            return (null, Problems.BadRequest("accountId", "accountId must match ^act_[0-9]{1,20}$."));
        }

        var levelName = request.Query["level"].FirstOrDefault() ?? "campaign";
        if (Level(levelName) is not { } level)
        {
            return (null, Problems.BadRequest("level", "level must be campaign, adset or ad."));
        }

        DateOnly? since = null, until = null;
        foreach (var (field, set) in new (string, Action<DateOnly>)[] { ("since", d => since = d), ("until", d => until = d) })
        {
            if (request.Query[field].FirstOrDefault() is not { } text)
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

    static EntityLevel? Level(string name) => name switch
    {
        "campaign" => EntityLevel.Campaign,
        "adset" => EntityLevel.AdSet,
        "ad" => EntityLevel.Ad,
        _ => null,
    };

    [GeneratedRegex("^[0-9]{1,30}$", RegexOptions.CultureInvariant)]
    private static partial Regex MetaIdPattern();
}
