using MassTransit;

namespace MetaAdsSync.Storage.Entities;

/// <summary>
/// The saga instance of one ad account: it lives as long as the account and cycles through the states of
/// AccountSyncStateMachine once per run (SQL reads them only through the sync_run_status view). Everything here is
/// the current (or last) run's progress: its ledger is keyed by the ids of its
/// commands, not bare counters, because every event can arrive more than once (the counters are derived from it).
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

    /// <summary>Events recorded by the run (pages and insight answers): the sequence of its progress events.</summary>
    public long Sequence { get; set; }
    public int BatchesSent { get; set; }
    public int BatchesSucceeded { get; set; }
    public int BatchesFailed { get; set; }
    /// <summary>Every planned read and what came back of it (jsonb).</summary>
    public RunLedger Ledger { get; set; } = new();
    /// <summary>The run's plan as the API shows it (jsonb); null for a run planned before plans were recorded.</summary>
    public RunPlanSummary? Plan { get; set; }

    /// <summary>How the run ended (a <c>SyncOutcome</c> name); null while it runs.</summary>
    public string? Outcome { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Error { get; set; }
    /// <summary>The plain cause of <see cref="Error"/> (a <c>SyncErrorKind</c> name).</summary>
    public string? ErrorKind { get; set; }
    /// <summary>The error's <c>FailureCause</c> as JSON (jsonb).</summary>
    public string? ErrorDetail { get; set; }
}
