using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MetaAdsSync.GraphSimulator.Tests.Support;

/// <summary>A simulator in this process and an HTTP client that speaks to it as a Graph client would.</summary>
public sealed class Sim : IAsyncDisposable
{
    public const string Version = "v25.0";
    public const string BigAccount = "act_697495618573979";

    Sim(RunningSimulator running)
    {
        Running = running;
        Http = new HttpClient { BaseAddress = running.BaseUrl };
    }

    public RunningSimulator Running { get; }
    public HttpClient Http { get; }

    public static async Task<Sim> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var options = new SimulatorOptions();
        configure?.Invoke(options);
        return new Sim(await SimulatorApp.StartAsync(options));
    }

    /// <summary>GET <c>v25.0/{relative}</c> with the token in the query (or in the header, or none).</summary>
    public async Task<GraphAnswer> GetAsync(string relative, TokenIn tokenIn = TokenIn.Query, string? token = null)
    {
        var url = relative.StartsWith("http", StringComparison.Ordinal) ? relative : $"{Version}/{relative}";
        token ??= Running.AccessToken;
        if (tokenIn == TokenIn.Query)
        {
            url += (url.Contains('?') ? "&" : "?") + "access_token=" + Uri.EscapeDataString(token);
        }

        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        if (tokenIn == TokenIn.Header)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await SendAsync(message);
    }

    public async Task<GraphAnswer> SendAsync(HttpRequestMessage message)
    {
        using var response = await Http.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        return new GraphAnswer(response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response.Headers, text);
    }

    /// <summary>Follows <c>paging.next</c> until it is absent, as a client must; fails on any error page.</summary>
    public async Task<(List<JsonElement> Rows, int Pages)> ReadAllAsync(string relative, TokenIn tokenIn = TokenIn.Query)
    {
        var rows = new List<JsonElement>();
        var pages = 0;
        var answer = await GetAsync(relative, tokenIn);
        while (true)
        {
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Text);
            pages++;
            rows.AddRange(answer.Body.GetProperty("data").EnumerateArray());
            if (answer.Next is not { } next)
            {
                return (rows, pages);
            }

            // The next link is complete: followed as is, with the token only in the header when it came that way.
            answer = await GetAsync(next, tokenIn == TokenIn.Header ? TokenIn.Header : TokenIn.None);
        }
    }

    /// <summary>A <c>filtering</c> parameter, escaped for a query: each clause is field, operator, value.</summary>
    public static string Filter(params (string Field, string Operator, object Value)[] clauses) =>
        Uri.EscapeDataString(JsonSerializer.Serialize(clauses.Select(c => new Dictionary<string, object>
        {
            ["field"] = c.Field,
            ["operator"] = c.Operator,
            ["value"] = c.Value,
        })));

    /// <summary>Every id a complete read of the edge returns.</summary>
    public async Task<List<string>> IdsAsync(string relative) =>
        (await ReadAllAsync(relative + (relative.Contains('?') ? "&" : "?") + "limit=500")).Rows.Select(r => r.GetProperty("id").GetString()!).ToList();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Running.DisposeAsync();
    }
}

public enum TokenIn
{
    Query,
    Header,
    None,
}

public sealed record GraphAnswer(HttpStatusCode Status, JsonElement Body, HttpResponseHeaders Headers, string Text)
{
    public JsonElement Error => Body.GetProperty("error");
    public int Code => Error.GetProperty("code").GetInt32();
    public int? Subcode => Error.TryGetProperty("error_subcode", out var s) ? s.GetInt32() : null;
    public List<JsonElement> Data => Body.GetProperty("data").EnumerateArray().ToList();

    public string? Next => Body.TryGetProperty("paging", out var paging) && paging.TryGetProperty("next", out var next) ? next.GetString() : null;

    public string? After => Body.TryGetProperty("paging", out var paging) ? paging.GetProperty("cursors").GetProperty("after").GetString() : null;

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.First() : null;

    public JsonElement HeaderJson(string name) =>
        JsonDocument.Parse(Header(name) ?? throw new Xunit.Sdk.XunitException($"no {name} header")).RootElement.Clone();
}
