using System.Globalization;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Data;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.GraphSimulator.Admin;

/// <summary>
/// <c>/_sim/objects/…</c>, <c>/_sim/accounts/…</c> and the daily truth: the data changing between syncs
/// (<see cref="DataChanges"/>). Bad input answers 400, an unknown id 404, a change Meta refuses 409, each as
/// <c>application/problem+json</c> naming what was wrong.
/// </summary>
internal static class ChangeEndpoints
{
    /// <summary>The most days one daily truth answers, so a typo in a year cannot build millions of rows.</summary>
    const int MaxDailyTruthDays = 400;

    public static void MapChanges(this RouteGroupBuilder sim)
    {
        sim.MapPost("/objects/{id}", (HttpContext http, SimulatorState state, string id) =>
            Run<ObjectChange>(http, change => Results.Ok(state.Changes.Change(id, change))));
        sim.MapDelete("/objects/{id}", (SimulatorState state, string id) => Run(() =>
        {
            state.Changes.Purge(id);
            return Results.NoContent();
        }));
        sim.MapPost("/accounts/{accountId}/campaigns", (HttpContext http, SimulatorState state, string accountId) =>
            Run<NewObject>(http, spec => Created(state.Changes.CreateCampaign(accountId, spec))));
        sim.MapPost("/objects/{campaignId}/adsets", (HttpContext http, SimulatorState state, string campaignId) =>
            Run<NewObject>(http, spec => Created(state.Changes.CreateChild(campaignId, Level.AdSet, spec))));
        sim.MapPost("/objects/{adSetId}/ads", (HttpContext http, SimulatorState state, string adSetId) =>
            Run<NewObject>(http, spec => Created(state.Changes.CreateChild(adSetId, Level.Ad, spec))));
        sim.MapPost("/accounts/{accountId}", (HttpContext http, SimulatorState state, string accountId) =>
            Run<AccountChange>(http, change => Results.Ok(state.Changes.ChangeAccount(accountId, change))));
        sim.MapPost("/objects/{id}/restate", (HttpContext http, SimulatorState state, string id) =>
            Run<Restatement>(http, restatement => Results.Ok(state.Changes.Restate(id, restatement))));
        sim.MapPost("/accounts/{accountId}/restate", (HttpContext http, SimulatorState state, string accountId) =>
            Run<Restatement>(http, restatement => Results.Ok(state.Changes.Restate(Account(accountId), restatement))));
        sim.MapGet("/truth/{accountId}/daily", (SimulatorState state, string accountId, string? since, string? until) => Run(() =>
        {
            var (from, to) = (Date(since, "since"), Date(until, "until"));
            if (from > to || to.DayNumber - from.DayNumber >= MaxDailyTruthDays)
            {
                throw Invalid.Field("since", $"since must not be after until, and the window at most {MaxDailyTruthDays} days");
            }

            return Truth.Daily(state, accountId, from, to) is { } daily
                ? Results.Ok(daily)
                : throw new KeyNotFoundException($"unknown account {accountId}");
        }));
    }

    static string Account(string id) => id.StartsWith("act_", StringComparison.Ordinal) ? id : "act_" + id;

    static IResult Created(EntityTruth created) => Results.Created($"/_sim/objects/{created.Id}", created);

    static DateOnly Date(string? text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid.Field(field, $"{field} must be a date as YYYY-MM-DD");

    /// <summary>Reads the body as <typeparamref name="T"/> (an empty body is an empty change), then runs the change.</summary>
    static async Task<IResult> Run<T>(HttpContext http, Func<T, IResult> change) where T : class
    {
        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        T? body;
        try
        {
            body = http.Request.ContentLength == 0
                ? JsonSerializer.Deserialize<T>("{}", json)
                : await JsonSerializer.DeserializeAsync<T>(http.Request.Body, json, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return Problem(StatusCodes.Status400BadRequest, e.Message);
        }

        return body is null ? Problem(StatusCodes.Status400BadRequest, "the body must be a JSON object") : Run(() => change(body));
    }

    static IResult Run(Func<IResult> change)
    {
        try
        {
            return change();
        }
        catch (KeyNotFoundException e)
        {
            return Problem(StatusCodes.Status404NotFound, e.Message);
        }
        catch (ArgumentException e)
        {
            return e.Data[Invalid.FieldKey] is string field
                ? Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?> { [Invalid.FieldKey] = field })
                : Problem(StatusCodes.Status400BadRequest, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Problem(StatusCodes.Status409Conflict, e.Message);
        }
    }

    static IResult Problem(int status, string detail) => Results.Problem(detail, statusCode: status);
}
