using System.Globalization;
using System.Net;
using System.Text;
using MetaAdsSync.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.GraphApi;

/// <summary>
/// A <see cref="MetaGraphClient"/> over the real transport (the Polly pipeline, the rate gate it is given, the usage
/// headers, paging, the JSON readers) whose HTTP answers come from memory instead of Meta: two pages of
/// <see cref="RowsPerPage"/> made-up rows for every edge, with Meta's usage headers. A host's start-up warm-up reads through it, so that the first sync after a
/// start does not JIT-compile the client's code on its critical path (ReadyToRun cannot hold the runtime's generic code
/// over our state machines, nor System.Text.Json's over our types). No call reaches Meta; what the client asks the rate
/// gate and the page-size memory is real, so a warm-up reads for an account Meta never names.
/// </summary>
public static class CannedGraph
{
    /// <summary>
    /// Rows on each canned page: enough that the code run once per row is called often enough in a warm-up for the
    /// runtime to recompile it at tier 1 then, and not in the first sync's pages of hundreds of rows.
    /// </summary>
    public const int RowsPerPage = 25;

    /// <summary>The client; <paramref name="gate"/> and <paramref name="pageSizes"/> are asked as for a real call.</summary>
    public static MetaGraphClient Client(
        IOptions<MetaOptions> options, IOptions<RateGateOptions> pacing, IRateGate gate, IPageSizeMemory pageSizes, TimeProvider time, ILoggerFactory logs) =>
        new(new GraphTransport(new Factory(), options, pacing, gate, time, logs.CreateLogger<GraphTransport>()), pageSizes, options,
            logs.CreateLogger<MetaGraphClient>());

    /// <summary>
    /// What a sync reads of one account, every page of it: each entity level, and each level's insights, the ads and
    /// their insights by campaign as a known account's plan cuts them; with <paramref name="accounts"/> the accounts
    /// list first. Returns the rows read. None of these calls is counted in the Graph client's metrics or traced
    /// (<see cref="GraphTelemetry.Canned"/>, set for this method's own async flow only).
    /// </summary>
    public static async Task<int> ReadAsync(IMetaGraphClient client, string accountId, bool entities, bool insights, CancellationToken cancellationToken,
        bool accounts = false)
    {
        GraphTelemetry.Canned.Value = true;
        var rows = accounts ? (await client.GetAdAccountsAsync(cancellationToken)).Accounts.Count : 0;
        var byCampaign = new Partition(PartitionKind.Campaigns, ["1", "2"]);
        foreach (var level in (EntityLevel[])[EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad])
        {
            var partition = level == EntityLevel.Ad ? byCampaign : Partition.WholeLevel;
            if (entities)
            {
                await foreach (var page in client.GetEntitiesAsync(accountId, level, partition, cancellationToken))
                {
                    rows += page.Entities.Count;
                }
            }

            if (insights)
            {
                rows += (await client.GetInsightsAsync(accountId, level, partition, "last_7d", cancellationToken)).Rows.Count;
            }
        }

        return rows;
    }

    sealed class Factory : IHttpClientFactory
    {
        readonly Answers _answers = new();

        public HttpClient CreateClient(string name) => new(_answers, disposeHandler: false);
    }

    /// <summary>Meta's answer to a GET of an edge: its first page names a next one (with <c>after</c>), which names none.</summary>
    sealed class Answers : HttpMessageHandler
    {
        const string Usage = """{"call_count":1,"total_cputime":1,"total_time":1}""";
        const string AccountUsage = """{"acc_id_util_pct":1,"reset_time_duration":0,"ads_api_access_tier":"standard_access"}""";
        const string Insights = """{"app_id_util_pct":1,"acc_id_util_pct":1}""";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!;
            var path = url.AbsolutePath;
            var last = url.Query.Contains("after=", StringComparison.Ordinal);
            Func<string, string> row = path.EndsWith("/insights", StringComparison.Ordinal) ? InsightRow
                : path.EndsWith("/adaccounts", StringComparison.Ordinal) ? AccountRow
                : path.EndsWith("/campaigns", StringComparison.Ordinal) ? CampaignRow
                : path.EndsWith("/adsets", StringComparison.Ordinal) ? AdSetRow
                : AdRow;
            var next = last ? "" : ",\"next\":\"" + url.GetLeftPart(UriPartial.Path) + url.Query + "&after=MQ\"";
            var first = last ? RowsPerPage + 1 : 1;
            var rows = string.Join(',', Enumerable.Range(first, RowsPerPage).Select(i => row(i.ToString(CultureInfo.InvariantCulture))));
            var body = "{\"data\":[" + rows + "],\"paging\":{\"cursors\":{\"before\":\"MA\",\"after\":\"MQ\"}" + next + "}}";
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
                RequestMessage = request,
            };
            response.Headers.TryAddWithoutValidation("X-App-Usage", Usage);
            response.Headers.TryAddWithoutValidation("X-Ad-Account-Usage", AccountUsage);
            response.Headers.TryAddWithoutValidation("X-Business-Use-Case-Usage",
                $$"""{"0":[{"type":"ads_management","call_count":1,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0,"ads_api_access_tier":"standard_access"}]}""");
            response.Headers.TryAddWithoutValidation("x-fb-ads-insights-throttle", Insights);
            return Task.FromResult(response);
        }

        const string Times = "\"created_time\":\"2024-01-01T00:00:00+0000\",\"updated_time\":\"2024-01-02T00:00:00+0000\"";

        static string CampaignRow(string id) =>
            $$"""{"id":"{{id}}","name":"warm-up","status":"ACTIVE","effective_status":"ACTIVE","objective":"OUTCOME_SALES","daily_budget":"1000",{{Times}}}""";

        static string AdSetRow(string id) =>
            $$"""{"id":"{{id}}","name":"warm-up","campaign_id":"1","status":"ACTIVE","effective_status":"ACTIVE","lifetime_budget":"1000",{{Times}}}""";

        static string AdRow(string id) =>
            $$"""{"id":"{{id}}","name":"warm-up","campaign_id":"1","adset_id":"1","status":"PAUSED","effective_status":"CAMPAIGN_PAUSED",{{Times}},"creative":{"id":"1","title":"t","body":"b","image_url":"https://example.com/i.png","thumbnail_url":"https://example.com/t.png"} }""";

        static string InsightRow(string id) =>
            $$"""{"campaign_id":"{{id}}","adset_id":"{{id}}","ad_id":"{{id}}","impressions":"100","reach":"90","clicks":"3","spend":"1.23","ctr":"3.0","cpc":"0.41","cpm":"12.3","frequency":"1.11","actions":[{"action_type":"link_click","value":"3"}],"date_start":"2024-01-01","date_stop":"2024-01-07"}""";

        static string AccountRow(string id) =>
            $$"""{"id":"act_{{id}}","account_id":"{{id}}","name":"warm-up","currency":"EUR","timezone_name":"Europe/Paris","account_status":1}""";
    }
}
