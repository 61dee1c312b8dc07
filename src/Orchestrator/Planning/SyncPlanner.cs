using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Orchestrator.Planning;

/// <summary>One insights read a run plans: a level within a partition of its campaigns.</summary>
public sealed record PlannedInsightRead(EntityLevel Level, Partition Partition);

/// <summary>What a run reads: every entity level, and the insight reads the account needs.</summary>
public sealed record SyncPlan(IReadOnlyList<PlannedInsightRead> Insights);

/// <summary>
/// Decides at the start of a run what it reads, from what the run history knows of the account. Insights go out at
/// once, beside the entity reads (Meta evaluates the allow-list, so they need no entity ids); a level whose insights
/// for the preset a run read completely within <c>Sync:InsightMaxAge</c> is left out unless the sync is forced.
/// </summary>
public sealed class SyncPlanner(IRunHistory history, IOptions<SagaOptions> options, TimeProvider time)
{
    public static readonly IReadOnlyList<EntityLevel> Levels = Enum.GetValues<EntityLevel>();

    public async Task<SyncPlan> PlanAsync(SyncAccountRequested request, CancellationToken cancellationToken)
    {
        var fresh = request.Force
            ? new HashSet<EntityLevel>()
            : await history.InsightLevelsReadSinceAsync(request.AccountId, request.DatePreset, time.GetUtcNow() - options.Value.InsightMaxAge, cancellationToken);
        return new SyncPlan(Levels.Where(l => !fresh.Contains(l)).Select(l => new PlannedInsightRead(l, Partition.WholeLevel)).ToList());
    }
}
