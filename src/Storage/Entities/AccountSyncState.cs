using MassTransit;

namespace MetaAdsSync.Storage.Entities;

/// <summary>
/// The saga instance of one ad account: it lives as long as the account and cycles through the states of
/// AccountSyncStateMachine once per run (SQL reads them only through the sync_run_status view). Everything here is
/// the current (or last) run's progress. Sets are stored, not bare counters, because every event can arrive more
/// than once.
/// </summary>
public class AccountSyncState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    /// <summary>PostgreSQL's xmin: optimistic concurrency without a column of our own.</summary>
    public uint Version { get; set; }

    public string AccountId { get; set; } = "";
    public Guid? RunId { get; set; }
    public string DatePreset { get; set; } = "";
    public string Trigger { get; set; } = "";
    public bool Force { get; set; }
    /// <summary>The id of the API key that started the run; null for the scheduler or an anonymous API.</summary>
    public string? RequestedBy { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? LastProgressAt { get; set; }
    public int Redrives { get; set; }

    public int Campaigns { get; set; }
    public int AdSets { get; set; }
    public int Ads { get; set; }
    public int Eligible { get; set; }
    public int GraphCalls { get; set; }

    /// <summary>Last pages counted, per attempt at a level, as <c>Level=attempt:lastPage</c>.</summary>
    public List<string> LevelsDone { get; set; } = [];
    /// <summary>Pages already counted, as <c>Level:attempt:page:count:eligible</c> (an attempt is one delivery of FetchEntities).</summary>
    public List<string> PagesSeen { get; set; } = [];

    public int BatchesSent { get; set; }
    public List<Guid> BatchesSucceeded { get; set; } = [];
    public List<Guid> BatchesFailed { get; set; } = [];
    /// <summary>Levels whose insights this run read completely (EntityLevel names).</summary>
    public List<string> InsightLevelsRead { get; set; } = [];
    /// <summary>Daily windows this run read completely, one per level, as <c>DailyWindow.Key</c> spells them.</summary>
    public List<string> DailyLevelsRead { get; set; } = [];
    /// <summary>Insight reads sent and not yet answered, with their level and partition, so the watchdog can send them again (jsonb).</summary>
    public string OutstandingBatches { get; set; } = "{}";

    /// <summary>How the run ended (a <c>SyncOutcome</c> name); null while it runs.</summary>
    public string? Outcome { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Error { get; set; }
    /// <summary>The plain cause of <see cref="Error"/> (a <c>SyncErrorKind</c> name).</summary>
    public string? ErrorKind { get; set; }
    /// <summary>The error's <c>FailureCause</c> as JSON (jsonb).</summary>
    public string? ErrorDetail { get; set; }
    /// <summary>Attempts that answered a level from PostgreSQL, as <c>Level=attempt@read time</c> (round-trip format).</summary>
    public List<string> LevelsReused { get; set; } = [];
}
