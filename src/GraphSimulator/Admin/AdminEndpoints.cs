using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.GraphSimulator.Admin;

/// <summary><c>/_sim/*</c>: not Meta's surface; what tests and the benchmark use to watch and steer the simulator.</summary>
internal static class AdminEndpoints
{
    public static void MapSimulatorAdmin(this WebApplication app)
    {
        var sim = app.MapGroup("/_sim");
        sim.MapGet("/stats", (SimulatorState state) => state.Stats.Snapshot());
        sim.MapPost("/reset", (SimulatorState state) =>
        {
            state.Reset();
            return Results.NoContent();
        });
        sim.MapGet("/config", (SimulatorState state) => state.Options);
        sim.MapPost("/config", (SimulatorState state, JsonObject patch, IOptions<JsonOptions> json) =>
        {
            try
            {
                return Results.Ok(state.Replace(Patch(state.Options, patch, json.Value.SerializerOptions)));
            }
            catch (Exception e) when (e is ValidationException or JsonException or ArgumentException)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        });
        sim.MapPost("/block/{accountId}", (SimulatorState state, string accountId, int? seconds) =>
        {
            if (state.Data.Account(accountId) is not { } account)
            {
                return Results.Problem($"unknown account {accountId}", statusCode: StatusCodes.Status404NotFound);
            }

            state.Limiter.Block(account.Id, TimeSpan.FromSeconds(seconds ?? state.Options.BlockSeconds), state.Options.Clock);
            return Results.NoContent();
        });
        sim.MapGet("/truth", (SimulatorState state) => Truth.Summaries(state));
        sim.MapGet("/truth/{accountId}", (SimulatorState state, string accountId) =>
            Truth.For(state, accountId) is { } truth
                ? Results.Ok(truth)
                : Results.Problem($"unknown account {accountId}", statusCode: StatusCodes.Status404NotFound));
        sim.MapChanges();
    }

    /// <summary>The current options with the patch's settings laid over them; an unknown setting is an error.</summary>
    static SimulatorOptions Patch(SimulatorOptions current, JsonObject patch, JsonSerializerOptions json)
    {
        var merged = JsonSerializer.SerializeToNode(current, json)!.AsObject();
        foreach (var (name, value) in patch)
        {
            var key = merged.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"unknown setting '{name}'");
            merged[key] = value?.DeepClone();
        }

        var next = merged.Deserialize<SimulatorOptions>(json) ?? throw new ArgumentException("empty settings");
        next.Clock = current.Clock;
        return next;
    }
}
