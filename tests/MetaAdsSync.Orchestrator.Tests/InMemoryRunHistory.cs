using System.Collections.Concurrent;
using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>The run history of the in-memory specs: the runs as the saga handed them over.</summary>
public sealed class InMemoryRunHistory : IRunHistory
{
    readonly ConcurrentQueue<FinishedRun> _runs = new();

    public IReadOnlyCollection<FinishedRun> Runs => _runs;

    public Task RecordAsync(FinishedRun run, CancellationToken cancellationToken)
    {
        _runs.Enqueue(run);
        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<EntityLevel>> InsightLevelsReadSinceAsync(string accountId, string datePreset, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<EntityLevel>>(_runs
            .Where(r => r.AccountId == accountId && r.DatePreset == datePreset && r.StartedAt >= since)
            .SelectMany(r => r.InsightLevelsRead)
            .ToHashSet());

    public Task<IReadOnlySet<string>> DailyLevelsReadSinceAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(_runs
            .Where(r => r.AccountId == accountId && r.StartedAt >= since)
            .SelectMany(r => r.DailyLevelsRead ?? [])
            .ToHashSet(StringComparer.Ordinal));
}
