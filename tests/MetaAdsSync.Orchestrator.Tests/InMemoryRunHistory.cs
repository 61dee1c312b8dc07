using System.Collections.Concurrent;
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
}
