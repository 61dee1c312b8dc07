using System.Text.RegularExpressions;

namespace MetaAdsSync.IntegrationTests.Ops;

/// <summary>What operators see of one sync besides the dashboard: Prometheus metrics, one trace end to end, scoped logs.</summary>
[Collection(ObservedSystemCollection.Name)]
public class When_a_sync_is_observed(ObservedSystem observed)
{
    [Fact]
    public async Task Should_expose_the_sync_duration_and_graph_calls_with_their_labels_at_metrics()
    {
        Assert.Equal("Completed", observed.ApiRun.GetProperty("status").GetString());

        var orchestrator = await ScrapeAsync("Orchestrator");
        var fetcher = await ScrapeAsync("EntityFetcher");

        Assert.Contains(Series(orchestrator, "metaadssync_sync_duration"), l =>
            l.Contains("_count{", StringComparison.Ordinal) && HasLabel(l, "trigger", "Manual") && HasLabel(l, "status", "Completed"));
        Assert.Contains(Series(fetcher, "metaadssync_graph_calls"), l =>
            HasLabel(l, "edge", "campaigns") && HasLabel(l, "use_case", "ads_management") && HasLabel(l, "http_status", "200") && HasLabel(l, "code", "none"));
        Assert.Contains(Series(fetcher, "metaadssync_graph_usage"), l => HasLabel(l, "key", ObservedSystem.ApiAccount + "/ads_management"));
        Assert.Contains(Series(fetcher, "metaadssync_rategate_wait"), l => l.Contains("_count{", StringComparison.Ordinal) && HasLabel(l, "use_case", "ads_management"));
    }

    [Fact]
    public async Task Should_carry_one_trace_id_from_the_gateway_request_to_a_fetchers_graph_call()
    {
        var spans = await WaitForAsync(() =>
        {
            var all = observed.Collector.Spans.ToList();
            var requests = all.Where(s => s.Service == "MetaAdsSync.Gateway" && s.Kind == CollectedSpan.ServerKind
                && s.Name.Contains("meta-ads/sync", StringComparison.Ordinal)).ToList();
            var graphCalls = all.Where(s => s.Service == "MetaAdsSync.EntityFetcher" && s.Scope == "MetaAdsSync.GraphApi").ToList();
            var shared = requests.Select(r => r.TraceId).Intersect(graphCalls.Select(g => g.TraceId)).ToList();
            return shared.Count > 0 ? (requests, graphCalls, shared) : default;
        }, "a Gateway request span and an EntityFetcher Graph call span with one trace id");

        var traceId = spans.shared[0];
        var request = spans.requests.First(r => r.TraceId == traceId);
        var call = spans.graphCalls.First(g => g.TraceId == traceId && g.Attributes.GetValueOrDefault("meta.account_id") == ObservedSystem.ApiAccount);
        Assert.Equal(32, traceId.Length);
        Assert.NotEqual(request.SpanId, call.SpanId);
        Assert.StartsWith("graph ", call.Name, StringComparison.Ordinal);
        // The HTTP attempt to the simulator nests in our Graph call span, in the same trace.
        Assert.Contains(observed.Collector.Spans, s => s.TraceId == traceId && s.ParentSpanId == call.SpanId && s.Service == "MetaAdsSync.EntityFetcher");
    }

    [Fact]
    public void Should_put_the_run_id_and_account_id_on_every_graph_call_line_of_the_fetchers()
    {
        var scope = $"RunId:{observed.ApiSyncId} AccountId:{ObservedSystem.ApiAccount}";
        foreach (var project in new[] { "EntityFetcher", "InsightFetcher" })
        {
            var calls = observed.Host(project).Output.Split('\n')
                .Where(l => l.Contains("GET /", StringComparison.Ordinal) && l.Contains(ObservedSystem.ApiAccount, StringComparison.Ordinal))
                .ToList();
            Assert.NotEmpty(calls);
            Assert.All(calls, l => Assert.Contains(scope, l, StringComparison.Ordinal));
        }
    }

    async Task<string> ScrapeAsync(string project)
    {
        using var http = new HttpClient { BaseAddress = observed.Host(project).BaseAddress };
        return await http.GetStringAsync("metrics");
    }

    static List<string> Series(string exposition, string name) =>
        exposition.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal)).ToList();

    static bool HasLabel(string line, string name, string value) =>
        Regex.IsMatch(line, $"[{{,]{Regex.Escape(name)}=\"{Regex.Escape(value)}\"[,}}]");

    static async Task<T> WaitForAsync<T>(Func<T?> probe, string what)
    {
        T? found = default;
        await Eventually.TrueAsync(() => (found = probe()) is not null && !EqualityComparer<T>.Default.Equals(found, default), what,
            pause: TimeSpan.FromMilliseconds(200));
        return found!;
    }
}
