namespace MetaAdsSync.Contracts;

/// <summary>What asked for a sync: a person or API client, or the stale-account scheduler.</summary>
public enum SyncTrigger
{
    Manual,
    Scheduled,
}

/// <summary>The three entity levels of an ad account, in Meta's hierarchy order.</summary>
public enum EntityLevel
{
    Campaign,
    AdSet,
    Ad,
}

/// <summary>How a sync run ended.</summary>
public enum SyncOutcome
{
    Completed,
    Partial,
    Failed,
    TimedOut,
}
