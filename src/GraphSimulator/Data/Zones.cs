using System.Collections.Concurrent;

namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>Account time zones, looked up once; an unknown name falls back to UTC rather than failing a call.</summary>
internal static class Zones
{
    static readonly ConcurrentDictionary<string, TimeZoneInfo> Cache = new(StringComparer.Ordinal);

    public static TimeZoneInfo Find(string name) => Cache.GetOrAdd(name, static n =>
        TimeZoneInfo.TryFindSystemTimeZoneById(n, out var zone) ? zone : TimeZoneInfo.Utc);
}
