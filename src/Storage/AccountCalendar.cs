namespace MetaAdsSync.Storage;

/// <summary>
/// An ad account's calendar: Meta dates insights in the account's <c>timezone_name</c> (<c>ad_accounts.timezone</c>),
/// so "today" for its daily rows is the account's today, not the server's.
/// </summary>
public static class AccountCalendar
{
    /// <summary>Today in the named IANA zone; in UTC (<paramref name="known"/> false) for none or one this machine does not know.</summary>
    public static DateOnly Today(string? timezone, DateTimeOffset now, out bool known)
    {
        known = timezone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out _);
        var zone = known ? TimeZoneInfo.FindSystemTimeZoneById(timezone!) : TimeZoneInfo.Utc;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
    }
}
