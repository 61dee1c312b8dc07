using MetaAdsSync.Contracts;
using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.Workers;

namespace MetaAdsSync.Workers.Tests.Simulator;

/// <summary>Drives the workers the way the saga does: three levels and one account-level insights read per level.</summary>
static class SimulatorRun
{
    public sealed record Batch(Guid BatchId, object Answer)
    {
        public int GraphCalls => Answer switch { InsightsBatchFetched f => f.GraphCalls, InsightsBatchFailed e => e.GraphCalls, _ => 0 };
    }

    public sealed record Result(IReadOnlyDictionary<EntityLevel, List<string>> Eligible, IReadOnlyList<Batch> Batches);

    public static readonly EntityLevel[] Levels = [EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad];

    /// <summary>Reads the three entity levels as one run (forced), as the saga sends them; returns each level's pages.</summary>
    public static async Task<Dictionary<EntityLevel, List<EntitiesFetched>>> ReadEntitiesAsync(
        WorkerHost host, string account, Guid runId, DateTimeOffset? runStartedAt = null)
    {
        var started = runStartedAt ?? DateTimeOffset.UtcNow;
        var pages = await Task.WhenAll(Levels.Select(l => FetchLevelAsync(host, account, l, force: true, runId, started)));
        return Levels.Zip(pages).ToDictionary(p => p.First, p => p.Second);
    }

    public static Task<WorkerHost> StartWorkersAsync(
        RabbitMqFixture rabbit, MigratedDatabase db, RunningSimulator sim, Dictionary<string, string?>? settings = null, HttpMessageHandler? primaryHandler = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Meta:BaseUrl"] = sim.BaseUrl.ToString().TrimEnd('/'),
            ["Meta:AccessToken"] = sim.AccessToken,
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return WorkerHost.StartAsync(rabbit, db, primaryHandler, all);
    }

    /// <summary>
    /// Reads a level (a partition of it; with <paramref name="updatedSince"/>, incrementally) as a run that started at
    /// <paramref name="runStartedAt"/> (by default: now) and waits for its last page.
    /// </summary>
    public static async Task<List<EntitiesFetched>> FetchLevelAsync(
        WorkerHost host, string account, EntityLevel level, bool force, Guid? runId = null, DateTimeOffset? runStartedAt = null,
        Partition? partition = null, DateTimeOffset? updatedSince = null)
    {
        var run = runId ?? Guid.NewGuid();
        var before = host.Recorded.For(run).Count;
        await host.PublishAsync(new FetchEntities(run, account, level, force, runStartedAt ?? DateTimeOffset.UtcNow, partition, UpdatedSince: updatedSince));
        await WorkerHost.Recorder.WaitUntilAsync(
            () => host.Recorded.For(run).Skip(before).Any(m => m is EntitiesFetched { IsLastPage: true } p && p.Level == level || m is EntityFetchFailed f && f.Level == level),
            TimeSpan.FromMinutes(3));
        var messages = host.Recorded.For(run).Skip(before).ToList();
        var failure = messages.OfType<EntityFetchFailed>().FirstOrDefault(f => f.Level == level);
        Assert.True(failure is null, failure?.Error);
        return messages.OfType<EntitiesFetched>().Where(p => p.Level == level).OrderBy(p => p.Page).ToList();
    }

    public static async Task<Result> SyncAsync(
        WorkerHost host, string account, string preset, Guid? runId = null, IReadOnlyList<Guid>? batchIds = null, DateTimeOffset? runStartedAt = null)
    {
        var run = runId ?? Guid.NewGuid();
        var started = runStartedAt ?? DateTimeOffset.UtcNow;
        var pages = await ReadEntitiesAsync(host, account, run, started);
        var eligible = pages.ToDictionary(p => p.Key, p => p.Value.SelectMany(x => x.EligibleIds).Distinct().ToList());

        var batches = Levels.Select((l, i) => new FetchInsightsBatch(run, account, batchIds?[i] ?? Guid.NewGuid(), l, preset, Partition.WholeLevel, started)).ToList();
        var before = host.Recorded.For(run).Count;
        foreach (var batch in batches)
        {
            await host.PublishAsync(batch);
        }

        await WorkerHost.Recorder.WaitUntilAsync(
            () => host.Recorded.For(run).Skip(before).Count(m => m is InsightsBatchFetched or InsightsBatchFailed) >= batches.Count,
            TimeSpan.FromMinutes(3));
        var answers = host.Recorded.For(run).Skip(before).Where(m => m is InsightsBatchFetched or InsightsBatchFailed).ToList();
        return new Result(eligible, batches.Select(b => new Batch(b.BatchId, answers.Single(a =>
            a is InsightsBatchFetched f && f.BatchId == b.BatchId || a is InsightsBatchFailed e && e.BatchId == b.BatchId))).ToList());
    }
}

/// <summary>The primary handler: puts the token into the query after the client's logging has seen the request, as a token-in-URL client would.</summary>
sealed class TokenInQueryHandler(string token) : DelegatingHandler(new SocketsHttpHandler())
{
    public static bool SawTokenInNext { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var separator = string.IsNullOrEmpty(request.RequestUri!.Query) ? "?" : "&";
        request.RequestUri = new Uri(request.RequestUri + separator + "access_token=" + Uri.EscapeDataString(token));
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (body.Contains("\"next\"", StringComparison.Ordinal) && body.Contains("access_token", StringComparison.Ordinal))
        {
            SawTokenInNext = true;
        }

        return response;
    }
}
