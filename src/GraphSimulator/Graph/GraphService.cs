using MetaAdsSync.GraphSimulator.Data;
using MetaAdsSync.GraphSimulator.Limits;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// Answers one Graph call the way Meta does, in Meta's order: token, path, rate limits, faults, the data,
/// then the size of what would be sent. Every answer, errors included, carries the usage headers.
/// </summary>
internal sealed class GraphService(SimulatorState state)
{
    static readonly Dictionary<string, int> MaxLimits = new(StringComparer.Ordinal)
    {
        ["me/adaccounts"] = 5000,
        ["campaigns"] = 5000,
        ["adsets"] = 5000,
        ["ads"] = 1000,
        ["insights"] = 5000,
    };

    static readonly IReadOnlyList<SelectedField> AccountListDefaults = FieldSelection.Names("account_id", "id");
    long _traces;

    /// <summary>An HTTP call: counted in flight for its account until it is answered, latency included.</summary>
    public async Task<GraphResponse> CallAsync(GraphRequest request, CancellationToken ct)
    {
        var started = state.Options.Clock.GetTimestamp();
        using var flight = state.Stats.Enter(Route.PeekAccount(request.Path, state.Data, state.Reports));
        var answer = Execute(request);
        await WaitAsync(FaultKey(request), started, ct);
        state.Limiter.Announce(answer.ThrottledAccount, state.Options.Clock);
        return answer;
    }

    /// <summary>
    /// Holds the answer until the configured latency (plus jitter, or a slow fault) has passed since the call
    /// arrived, so the time spent answering is part of the latency rather than added to it, as a client sees
    /// Meta's. An async wait: no thread is held.
    /// </summary>
    public async Task WaitAsync(string faultKey, long started, CancellationToken ct)
    {
        var options = state.Options;
        var delay = TimeSpan.FromMilliseconds(options.LatencyMs);
        if (options.LatencyJitterMs > 0)
        {
            delay += TimeSpan.FromMilliseconds(Rng.Unit(options.Seed, "jitter#" + Interlocked.Increment(ref _traces)) * options.LatencyJitterMs);
        }

        if (state.Faults.IsSlow(faultKey, options))
        {
            state.Stats.Slow();
            delay += TimeSpan.FromMilliseconds(options.SlowResponseMs);
        }

        delay -= options.Clock.GetElapsedTime(started);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, options.Clock, ct);
        }
    }

    public GraphResponse Execute(GraphRequest request)
    {
        var options = state.Options;
        var headers = new List<KeyValuePair<string, string>>(6);
        string endpoint = "unknown";
        Route? route = null;
        var whileBlocked = false;
        string? throttledAccount = null;
        int status;
        JsonBody body;
        // The data may change between calls (the admin API), never during one.
        state.Data.Lock.EnterReadLock();
        try
        {
            // The path is read first so that even a refused token is counted against the endpoint it asked for.
            GraphException? unknown = null;
            try
            {
                route = Route.Parse(request.Path, request.Param("ids"), state.Data, state.Reports);
                endpoint = route.Endpoint;
            }
            catch (GraphException e)
            {
                unknown = e;
            }

            Authenticate(request, options);
            if (unknown is not null || route is null)
            {
                throw unknown ?? GraphErrors.UnknownObject(request.Path);
            }

            // An account the token has lost is one it cannot load: Meta names the path's first id as not existing.
            if (route.Account is { Accessible: false })
            {
                throw GraphErrors.UnknownObject(request.Path.Split('/')[0]);
            }

            // A token can be granted some ad accounts and not others: those answer as a token without ads_read.
            if (route.Account is { } account && options.AccountsWithoutPermission.Contains(account.Id))
            {
                throw GraphErrors.NoPermission();
            }

            // The one write Meta's read clients make: starting an async insight report.
            if (request.Method != "GET" && !(request.Method == "POST" && route is { Endpoint: "insights", Node: null, Report: null }))
            {
                throw GraphErrors.UnsupportedMethod(request.Method, request.Path);
            }

            var refusal = state.Limiter.Admit(route.Account?.Id, options);
            if (refusal == RateLimiter.Refusal.AppThrottled)
            {
                throw GraphErrors.AppThrottled();
            }

            if (refusal is RateLimiter.Refusal.AccountBlocked or RateLimiter.Refusal.AccountThrottled)
            {
                whileBlocked = refusal == RateLimiter.Refusal.AccountBlocked;
                throttledAccount = route.Account!.Id;
                throw GraphErrors.AccountThrottled(options.ThrottleError, route.IsInsights);
            }

            var draw = state.Faults.Next(FaultKey(request), options);
            if (draw.Transient)
            {
                throw GraphErrors.Transient(draw.ServiceUnavailable);
            }

            body = Answer(request, route);
            if ((draw.RejectPayload && route.Edge is not null) || body.Length > options.PayloadLimitBytes)
            {
                body.Dispose();
                throw GraphErrors.PayloadTooLarge(options.PayloadError);
            }

            status = 200;
        }
        catch (GraphException e)
        {
            state.Stats.Error(e.Error.Kind, route?.Account?.Id, whileBlocked);
            status = e.Error.HttpStatus;
            body = Json.Write(w => Json.Error(w, e.Error, TraceId()), 512);
        }
        finally
        {
            state.Data.Lock.ExitReadLock();
        }

        state.Stats.Call(endpoint, route?.Account?.Id, body.Length);
        state.Limiter.AddHeaders(headers, route?.Account?.Id, route?.IsInsights == true, options);
        return new GraphResponse(status, headers, body, throttledAccount);
    }

    /// <summary>A call refused before it names anything (a malformed batch): Meta's envelope and the app's usage header.</summary>
    public GraphResponse Refuse(GraphError error, string endpoint)
    {
        state.Stats.Error(error.Kind, null, false);
        state.Stats.Call(endpoint, null);
        var headers = new List<KeyValuePair<string, string>>(1);
        state.Limiter.AddHeaders(headers, null, false, state.Options);
        return new GraphResponse(error.HttpStatus, headers, Json.Write(w => Json.Error(w, error, TraceId()), 512));
    }

    /// <summary>The request as the fault plan keys it: method, path and query, without the token.</summary>
    public static string FaultKey(GraphRequest request) =>
        request.Method + " " + request.Path + "?" + string.Join('&', request.Query.Where(p => p.Key != "access_token").Select(p => p.Key + "=" + p.Value));

    static void Authenticate(GraphRequest request, SimulatorOptions options)
    {
        if (string.IsNullOrEmpty(request.Token))
        {
            throw GraphErrors.MissingToken();
        }

        if (options.ExpiredTokens.Contains(request.Token))
        {
            throw GraphErrors.ExpiredToken();
        }

        if (options.TokensWithoutPermission.Contains(request.Token))
        {
            throw GraphErrors.NoPermission();
        }

        if (!options.AccessTokens.Contains(request.Token))
        {
            throw GraphErrors.InvalidToken();
        }
    }

    JsonBody Answer(GraphRequest request, Route route) => route.Endpoint switch
    {
        "me" => Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", "100000000000001");
            w.WriteString("name", "Simulator User");
            w.WriteEndObject();
        }, 128),
        "me/adaccounts" => AccountList(request),
        "account" => Json.Write(w => ObjectWriter.WriteAccount(w, route.Account!,
            FieldSelection.Parse(request.Param("fields"), ObjectWriter.Account, AccountListDefaults))),
        "object" => Json.Write(w => ObjectWriter.WriteObject(w, route.Node!,
            FieldSelection.Parse(request.Param("fields"), ObjectWriter.For(route.Node!.Level), ObjectWriter.IdOnly))),
        "insights" when request.Method == "POST" => StartReport(request, route),
        "insights" when route.Report is { } report => InsightList(Reports.RowsRequest(report, request), route),
        "insights" => InsightList(request, route),
        "report" => Reports.WritePoll(route.Report!, state.Options.Clock),
        "ids" => ObjectsById.Write(request, route, state.Data),
        _ => EntityList(request, route),
    };

    JsonBody AccountList(GraphRequest request)
    {
        var fields = FieldSelection.Parse(request.Param("fields"), ObjectWriter.Account, AccountListDefaults);
        return Paging.Write(request, state.Data.Accounts.Where(a => a.Accessible).ToList(), MaxLimits["me/adaccounts"], "me/adaccounts", state.Cursors,
            (w, account) => ObjectWriter.WriteAccount(w, account, fields));
    }

    JsonBody EntityList(GraphRequest request, Route route)
    {
        var level = route.Edge!.Value;
        var fields = FieldSelection.Parse(request.Param("fields"), ObjectWriter.For(level), ObjectWriter.IdOnly);
        var statuses = request.Param("effective_status");
        var filtering = request.Param("filtering");
        var filters = Filtering.Parse(filtering, statuses, level);
        var rows = new List<AdObject>();
        foreach (var item in route.Account!.At(level))
        {
            // DELETED never comes back through an edge; ARCHIVED only when the filter names it.
            if (item.EffectiveStatus == EffectiveStatus.Deleted
                || (item.EffectiveStatus == EffectiveStatus.Archived && !filters.MentionsArchived)
                || (route.Node is { } node && item.Campaign != node && item.AdSet != node)
                || !filters.Matches(item))
            {
                continue;
            }

            rows.Add(item);
        }

        var scope = $"{route.Node?.Id ?? route.Account.Id}|{route.Endpoint}|{statuses}|{filtering}";
        // An ad with its creative is ~1.3 kB of JSON: a page's buffer sized for it is never grown and copied.
        return Paging.Write(request, rows, MaxLimits[route.Endpoint], scope, state.Cursors,
            (w, item) => ObjectWriter.WriteObject(w, item, fields), fields.Any(f => f.Name == "creative") ? 1536 : 512);
    }

    JsonBody InsightList(GraphRequest request, Route route)
    {
        var account = route.Account!;
        var nodeLevel = route.Node?.Level ?? Level.Account;
        var level = Insights.ParseLevel(request.Param("level"), nodeLevel);
        if (level < nodeLevel)
        {
            throw GraphErrors.InvalidParameter($"level {request.Param("level")} is above the level of object {route.Node!.Id}");
        }

        var period = InsightPeriod.Parse(request.Param, account, state.Options.Clock);
        var fields = FieldSelection.Parse(request.Param("fields"), Insights.Node, Insights.DefaultFields);
        var filtering = request.Param("filtering");
        var filters = Filtering.Parse(filtering, null, level);
        var today = account.Today(state.Options.Clock);
        var rows = Insights.Rows(account, route.Node, level, period, filters, today);
        var scope = $"insights|{route.Node?.Id ?? account.Id}|{level}|{period.Key}|{filtering}";
        return Paging.Write(request, rows, MaxLimits["insights"], scope, state.Cursors,
            (w, row) => state.Insights.WriteRow(w, account, row, level, fields, today));
    }

    /// <summary>Checks the report's parameters as the synchronous call would, then starts it.</summary>
    JsonBody StartReport(GraphRequest request, Route route)
    {
        InsightList(request, route).Dispose();
        return Reports.WriteStarted(state.Reports.Start(route.Account!, request));
    }

    string TraceId()
    {
        var hash = Rng.Hash(state.Options.Seed, "trace#" + Interlocked.Increment(ref _traces));
        return "A" + Convert.ToBase64String(BitConverter.GetBytes(hash)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
