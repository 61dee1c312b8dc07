using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>
/// <c>GET /api/syncs/{id}/events</c> read by a real HTTP client while a sync runs through every real host, on two Gateways:
/// each hears the run's events on a queue of its own and serves its own streams.
/// </summary>
public class When_a_sync_is_followed_as_events
{
    const string TwoEzi = "act_697495618573979";
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Should_stream_progress_as_it_happens_then_the_outcome_and_end_on_every_gateway()
    {
        await using var system = await SyncSystem.StartAsync(s => s.LatencyMs = 200);
        var second = system.StartHost("Gateway");
        await second.WaitUntilReadyAsync(Patience);
        using var other = new HttpClient { BaseAddress = second.BaseAddress };

        var syncId = (await system.RequestSync(TwoEzi)).GetProperty("syncId").GetGuid();
        var onFirst = ReadAsync(system.Api, syncId);
        var onSecond = ReadAsync(other, syncId);
        // Resuming after an id beyond any the run reaches: nothing but the outcome is left to send.
        var resumed = ReadAsync(system.Api, syncId, lastEventId: "1000000");
        var streams = await Task.WhenAll(onFirst, onSecond, resumed).WaitAsync(Patience);

        foreach (var events in streams[..2])
        {
            var progress = events.Where(e => e.Type == "progress").ToList();
            Assert.True(progress.Count >= 2, $"{progress.Count} progress event(s)");
            var ids = progress.Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(ids.Order().Distinct(), ids);
            Assert.All(progress, e => Assert.Equal("Running", e.Data.GetProperty("status").GetString()));
            var calls = progress.Select(e => e.Data.GetProperty("graphCalls").GetInt32()).ToList();
            Assert.Equal(calls.Order(), calls);
            Assert.True(calls[^1] > calls[0], "the Graph calls never moved: " + string.Join(", ", calls));
            Assert.Contains(progress, e => e.Data.GetProperty("insightBatches").GetProperty("succeeded").GetInt32() > 0);

            var outcome = events[^1];
            Assert.Equal("outcome", outcome.Type);
            Assert.Single(events, e => e.Type == "outcome");
            Assert.Equal("Completed", outcome.Data.GetProperty("status").GetString());
            var entities = outcome.Data.GetProperty("entities");
            Assert.Equal((49, 182, 798), (entities.GetProperty("campaigns").GetInt32(), entities.GetProperty("adSets").GetInt32(), entities.GetProperty("ads").GetInt32()));
        }

        Assert.Equal(streams[0][^1].Data.ToString(), streams[1][^1].Data.ToString());
        Assert.Equal(["outcome"], streams[2].Select(e => e.Type));

        // A late subscriber gets the run's current state: here its outcome, at once.
        var late = await ReadAsync(other, syncId);
        Assert.Equal(["outcome"], late.Select(e => e.Type));
        Assert.Equal(streams[0][^1].Data.ToString(), late[0].Data.ToString());
    }

    [Fact]
    public async Task Should_refuse_a_bad_id_or_last_event_id_and_an_unknown_run_with_problems()
    {
        await using var system = await SyncSystem.StartAsync();

        await AssertProblem(await system.Api.GetAsync("api/syncs/not-a-uuid/events"), 400, "syncId");
        using var badResume = new HttpRequestMessage(HttpMethod.Get, $"api/syncs/{Guid.NewGuid()}/events");
        badResume.Headers.TryAddWithoutValidation("Last-Event-ID", "'; DROP TABLE sync_runs; --");
        await AssertProblem(await system.Api.SendAsync(badResume), 400, "Last-Event-ID");
        await AssertProblem(await system.Api.GetAsync($"api/syncs/{Guid.NewGuid()}/events"), 404, null);
    }

    static async Task AssertProblem(HttpResponseMessage response, int status, string? field)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    sealed record ServerEvent(string Type, string? Id, JsonElement Data);

    /// <summary>Reads the stream to its end, as the SSE format says: fields per line, an event per blank line.</summary>
    static async Task<List<ServerEvent>> ReadAsync(HttpClient api, Guid syncId, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/syncs/{syncId}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<ServerEvent>();
        string type = "message", data = "";
        string? id = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    events.Add(new ServerEvent(type, id, JsonDocument.Parse(data).RootElement.Clone()));
                }

                (type, data, id) = ("message", "", null);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "event": type = value; break;
                case "id": id = value; break;
                case "data": data += value; break;
            }
        }

        return events;
    }
}
