using System.Text.Json;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// <c>POST /</c> with <c>batch=[{"method":"GET","relative_url":"…"}]</c>: up to 50 sub-requests answered in one
/// HTTP call, each counted, limited and faulted on its own; the answer is Meta's array of
/// <c>{code, headers:[{name,value}], body:"…"}</c>.
/// </summary>
internal static class Batch
{
    public const int MaxRequests = 50;

    public static async Task HandleAsync(HttpContext context, GraphService graph, string version)
    {
        var state = context.RequestServices.GetRequiredService<SimulatorState>();
        var started = state.Options.Clock.GetTimestamp();
        var (batchJson, formToken, includeHeaders) = await ReadAsync(context.Request);
        var query = GraphRequest.ParseQuery(context.Request.QueryString.Value ?? "");
        var (token, _) = GraphEndpoint.Token(context.Request, query);
        token ??= formToken;
        var baseUrl = GraphEndpoint.BaseUrl(context.Request);
        List<GraphRequest> requests;
        try
        {
            requests = Parse(batchJson, token, version, baseUrl);
        }
        catch (GraphException e)
        {
            using var refusal = graph.Refuse(e.Error, "batch");
            await GraphEndpoint.WriteAsync(context.Response, refusal);
            return;
        }

        var flights = requests.Select(r => state.Stats.Enter(Route.PeekAccount(r.Path, state.Data, state.Reports))).ToList();
        List<GraphResponse?>? answers = null;
        try
        {
            answers = requests
                .Select(r => state.Faults.IsNullInBatch(GraphService.FaultKey(r), state.Options) ? null : graph.Execute(r))
                .ToList();
            await graph.WaitAsync("batch:" + batchJson, started, context.RequestAborted);
            state.Stats.Call("batch", null);
            var headers = new List<KeyValuePair<string, string>>();
            state.Limiter.AddHeaders(headers, null, false, state.Options);
            using var answer = new GraphResponse(200, headers, Json.Write(w => WriteAnswers(w, answers, includeHeaders), 4096));
            await GraphEndpoint.WriteAsync(context.Response, answer);
            answers.ForEach(a => state.Limiter.Announce(a?.ThrottledAccount, state.Options.Clock));
        }
        finally
        {
            flights.ForEach(f => f.Dispose());
            answers?.ForEach(a => a?.Dispose());
        }
    }

    static async Task<(string Batch, string? Token, bool IncludeHeaders)> ReadAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            return (form["batch"].ToString(), NullIfEmpty(form["access_token"].ToString()), form["include_headers"] != "false");
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            var root = document.RootElement;
            string? Text(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v)
                ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;
            return (Text("batch") ?? "", Text("access_token"), Text("include_headers") != "false");
        }
        catch (JsonException)
        {
            // An unreadable body is a batch without the batch parameter: Meta's error follows.
            return ("", null, true);
        }
    }

    static List<GraphRequest> Parse(string batchJson, string? token, string version, string baseUrl)
    {
        var root = Json.ParseArray(batchJson, "The parameter batch is required and must be a JSON array");

        if (root.GetArrayLength() > MaxRequests)
        {
            throw GraphErrors.TooManyInBatch(root.GetArrayLength());
        }

        var requests = new List<GraphRequest>();
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("relative_url", out var r) || r.ValueKind != JsonValueKind.String
                || (item.TryGetProperty("method", out var m) && m.ValueKind != JsonValueKind.String))
            {
                throw GraphErrors.InvalidParameter($"batch[{requests.Count}] must be an object with a relative_url");
            }

            var method = m.ValueKind == JsonValueKind.String ? m.GetString()!.ToUpperInvariant() : "GET";
            var relative = r.GetString()!;
            var question = relative.IndexOf('?', StringComparison.Ordinal);
            var (subVersion, path) = GraphRequest.SplitVersion(question < 0 ? relative : relative[..question]);
            var query = GraphRequest.ParseQuery(question < 0 ? "" : relative[(question + 1)..]);
            var own = query.FirstOrDefault(p => p.Key == "access_token").Value;
            if (own is null && token is not null)
            {
                // Meta's next links in a batch carry the token, so a client can follow them outside the batch.
                query.Add(new("access_token", token));
            }

            requests.Add(new GraphRequest(method, subVersion.Length > 0 ? subVersion : version, path, query, own ?? token, true, baseUrl));
        }

        return requests;
    }

    static void WriteAnswers(Utf8JsonWriter writer, List<GraphResponse?> answers, bool includeHeaders)
    {
        writer.WriteStartArray();
        foreach (var answer in answers)
        {
            if (answer is null)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartObject();
            writer.WriteNumber("code", answer.StatusCode);
            if (includeHeaders)
            {
                writer.WriteStartArray("headers");
                WriteHeader(writer, "Content-Type", "application/json; charset=UTF-8");
                foreach (var (name, value) in answer.Headers)
                {
                    WriteHeader(writer, name, value);
                }

                writer.WriteEndArray();
            }

            writer.WriteString("body", answer.Body.Memory.Span);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    static void WriteHeader(Utf8JsonWriter writer, string name, string value)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("value", value);
        writer.WriteEndObject();
    }

    static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
