namespace MetaAdsSync.Orchestrator.Planning;

/// <summary>
/// Today in an ad account's own calendar: Meta dates insights in the account's <c>timezone_name</c>, so a daily
/// window ends on the account's today, not the server's.
/// </summary>
public interface IAccountCalendar
{
    Task<DateOnly> TodayAsync(string accountId, CancellationToken cancellationToken);
}
