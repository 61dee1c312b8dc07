namespace MetaAdsSync.Gateway.Accounts;

/// <summary>The seed's <c>formatTimeAgo</c>: how stale an account's data looks to the person choosing to resync.</summary>
public static class Staleness
{
    public static string Label(DateTimeOffset? lastSyncedAt, DateTimeOffset now)
    {
        if (lastSyncedAt is null)
        {
            return "Never synced";
        }

        var minutes = (long)Math.Floor((now - lastSyncedAt.Value).TotalMinutes);
        if (minutes < 1)
        {
            return "Just now";
        }

        if (minutes < 60)
        {
            return $"{minutes}m ago";
        }

        var hours = minutes / 60;
        return hours < 24 ? $"{hours}h ago" : $"{hours / 24}d ago";
    }
}
