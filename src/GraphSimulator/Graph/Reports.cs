using System.Collections.Concurrent;
using System.Globalization;
using MetaAdsSync.GraphSimulator.Data;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// Async insight reports: <c>POST act_{id}/insights</c> returns a <c>report_run_id</c>; polling <c>GET {id}</c>
/// moves it from "Job Started" through "Job Running" to "Job Completed" (by poll count, not time, so tests
/// stay deterministic); <c>GET {id}/insights</c> then pages the rows of the query it was started with.
/// </summary>
internal sealed class Reports
{
    public const int PollsToComplete = 3;
    readonly ConcurrentDictionary<string, ReportRun> _runs = new(StringComparer.Ordinal);
    long _next;

    internal sealed class ReportRun(string id, AdAccount account, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        int _polls;

        public string Id { get; } = id;
        public AdAccount Account { get; } = account;

        /// <summary>The report's own parameters: what shaped its rows, not how a page of them is asked for.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Query { get; } = query;

        public bool IsComplete => Volatile.Read(ref _polls) >= PollsToComplete;

        public int Poll() => Interlocked.Increment(ref _polls);
    }

    public ReportRun? Find(string id) => _runs.GetValueOrDefault(id);

    public ReportRun Start(AdAccount account, GraphRequest request)
    {
        var id = (120300000000000000 + Interlocked.Increment(ref _next)).ToString(CultureInfo.InvariantCulture);
        var query = request.Query.Where(p => p.Key is not ("access_token" or "limit" or "after" or "before")).ToList();
        return _runs[id] = new ReportRun(id, account, query);
    }

    public void Reset() => _runs.Clear();

    public static JsonBody WriteStarted(ReportRun run) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("report_run_id", run.Id);
        w.WriteEndObject();
    }, 64);

    public static JsonBody WritePoll(ReportRun run, TimeProvider clock)
    {
        var polls = run.Poll();
        var (status, percent) = polls >= PollsToComplete ? ("Job Completed", 100) : polls == 1 ? ("Job Started", 0) : ("Job Running", 50);
        var period = InsightPeriod.Parse(name => run.Query.FirstOrDefault(p => p.Key == name).Value, run.Account, clock);
        return Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", run.Id);
            w.WriteString("account_id", run.Account.AccountId);
            w.WriteString("async_status", status);
            w.WriteNumber("async_percent_completion", percent);
            w.WriteString("date_start", period.Since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("date_stop", period.Until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }, 256);
    }

    /// <summary>A page of the report's rows: its own parameters with the page's limit and cursor.</summary>
    public static GraphRequest RowsRequest(ReportRun run, GraphRequest page)
    {
        if (!run.IsComplete)
        {
            throw GraphErrors.InvalidParameter($"Report {run.Id} is not ready yet: poll it until async_status is Job Completed.");
        }

        var paging = page.Query.Where(p => p.Key is "access_token" or "limit" or "after" or "before");
        return page with { Query = [.. run.Query, .. paging] };
    }
}
