using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>The HTTP face of <see cref="GraphService"/>: everything that is not <c>/_sim</c> or <c>/health</c> lands here.</summary>
internal static class GraphEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var graph = context.RequestServices.GetRequiredService<GraphService>();
        var (version, path) = GraphRequest.SplitVersion(context.Request.Path.Value ?? "");
        var method = context.Request.Method.ToUpperInvariant();
        try
        {
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget.Length ?? 0;
            var limit = context.RequestServices.GetRequiredService<SimulatorState>().Options.MaxUrlLength;
            if (target > limit)
            {
                using var refusal = graph.Refuse(GraphErrors.UrlTooLong(target, limit).Error, "too-long");
                await WriteAsync(context.Response, refusal);
                return;
            }

            if (method == "POST" && path.Length == 0)
            {
                await Batch.HandleAsync(context, graph, version);
                return;
            }

            var query = GraphRequest.ParseQuery(context.Request.QueryString.Value ?? "");
            var (token, inQuery) = Token(context.Request, query);
            if (method == "POST" && context.Request.HasFormContentType)
            {
                // A POST's parameters may come in the body; they count as the call's own, not as query text.
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                query.AddRange(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value.ToString())));
                token ??= form["access_token"].ToString() is { Length: > 0 } formToken ? formToken : null;
            }

            var request = new GraphRequest(method, version, path, query, token, inQuery, BaseUrl(context.Request));
            using var answer = await graph.CallAsync(request, context.RequestAborted);
            await WriteAsync(context.Response, answer);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (a timeout, usually): nobody is left to answer.
        }
    }

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}/";

    /// <summary>
    /// <c>Authorization: Bearer …</c> (or <c>OAuth …</c>) wins over <c>access_token</c> in the query; either way a
    /// token in the query stays in the query of <c>paging.next</c>.
    /// </summary>
    public static (string? Token, bool InQuery) Token(HttpRequest request, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var fromQuery = query.FirstOrDefault(p => p.Key == "access_token").Value;
        var header = request.Headers.Authorization.ToString();
        foreach (var scheme in new[] { "Bearer ", "OAuth " })
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return (header[scheme.Length..].Trim(), fromQuery is not null);
            }
        }

        return (fromQuery, fromQuery is not null);
    }

    public static Task WriteAsync(HttpResponse response, GraphResponse answer)
    {
        response.StatusCode = answer.StatusCode;
        response.ContentType = "application/json; charset=UTF-8";
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers.Append(name, new StringValues(value));
        }

        response.ContentLength = answer.Body.Length;
        return response.Body.WriteAsync(answer.Body.Memory).AsTask();
    }
}
