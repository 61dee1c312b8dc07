using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Orchestrator.Planning;

/// <summary>One insights read a run plans: a level within a partition of its campaigns; with a window, its daily rows.</summary>
public sealed record PlannedInsightRead(EntityLevel Level, Partition Partition, DailyWindow? Daily = null);

/// <summary>What a run reads: every entity level, and the insight reads the account needs.</summary>
public sealed record SyncPlan(IReadOnlyList<PlannedInsightRead> Insights);

/// <summary>
/// Decides at the start of a run what it reads, from what the run history knows of the account. Insights go out at
/// once, beside the entity reads (Meta evaluates the allow-list, so they need no entity ids): per level the preset's
/// aggregate and, with <c>Sync:DailyInsightDays</c>, the daily rows of the window ending today in the account's
/// calendar. A level whose preset (or whose window) a run read completely within <c>Sync:InsightMaxAge</c> is left
/// out unless the sync is forced; a window is another one once the account's day turns.
/// </summary>
public sealed class SyncPlanner(IRunHistory history, IAccountCalendar calendar, IOptions<SagaOptions> options, TimeProvider time)
{
    public static readonly IReadOnlyList<EntityLevel> Levels = Enum.GetValues<EntityLevel>();

    public async Task<SyncPlan> PlanAsync(SyncAccountRequested request, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - options.Value.InsightMaxAge;
        var fresh = request.Force
            ? new HashSet<EntityLevel>()
            : await history.InsightLevelsReadSinceAsync(request.AccountId, request.DatePreset, since, cancellationToken);
        var reads = Levels.Where(l => !fresh.Contains(l)).Select(l => new PlannedInsightRead(l, Partition.WholeLevel)).ToList();
        reads.AddRange(await DailyReadsAsync(request, since, cancellationToken));
        return new SyncPlan(reads);
    }

    async Task<IEnumerable<PlannedInsightRead>> DailyReadsAsync(SyncAccountRequested request, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var days = options.Value.DailyInsightDays;
        if (days == 0)
        {
            return [];
        }

        var window = DailyWindow.Last(days, await calendar.TodayAsync(request.AccountId, cancellationToken));
        var read = request.Force
            ? new HashSet<string>()
            : await history.DailyLevelsReadSinceAsync(request.AccountId, since, cancellationToken);
        return Levels.Where(l => !read.Contains(window.Key(l))).Select(l => new PlannedInsightRead(l, Partition.WholeLevel, window));
    }
}
