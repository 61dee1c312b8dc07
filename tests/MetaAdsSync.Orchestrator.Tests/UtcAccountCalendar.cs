using MetaAdsSync.Orchestrator.Planning;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>The in-memory specs' calendar: every account in UTC, on the harness's fake clock.</summary>
public sealed class UtcAccountCalendar(TimeProvider time) : IAccountCalendar
{
    public Task<DateOnly> TodayAsync(string accountId, CancellationToken cancellationToken) =>
        Task.FromResult(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
}
