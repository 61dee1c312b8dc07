using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// One instance per ad account, cycling Idle → FetchingEntities → FetchingInsights → Idle once per run: insight reads go
/// out with the entity reads, so FetchingInsights only waits for insight answers still out once every level is done.
/// A request while a run is in flight joins it; events of any other run are ignored.
/// </summary>
public sealed class AccountSyncStateMachine : MassTransitStateMachine<AccountSyncState>
{
    public AccountSyncStateMachine(IOptions<SagaOptions> options, TimeProvider time, ILogger<AccountSyncStateMachine> logger)
    {
        var settings = options.Value;
        InstanceState(s => s.CurrentState);

        Event(() => SyncRequested, e =>
        {
            e.CorrelateById(c => AccountCorrelation.For(c.Message.AccountId));
            e.SetSagaFactory(c => new AccountSyncState { CorrelationId = AccountCorrelation.For(c.Message.AccountId), AccountId = c.Message.AccountId });
        });
        Event(() => PageFetched, e => Correlate(e, m => m.AccountId));
        Event(() => LevelFailed, e => Correlate(e, m => m.AccountId));
        Event(() => LevelFaulted, e => Correlate(e, m => m.Message.AccountId));
        Event(() => BatchFetched, e => Correlate(e, m => m.AccountId));
        Event(() => BatchFailed, e => Correlate(e, m => m.AccountId));
        Event(() => BatchFaulted, e => Correlate(e, m => m.Message.AccountId));
        Event(() => RunStalled, e => Correlate(e, m => m.AccountId));

        During(Initial, Idle,
            When(SyncRequested, c => c.Message.RunId == c.Saga.RunId)
                .Respond(c => new SyncAccepted(c.Message.RunId, c.Message.AccountId, Deduplicated: true)),
            When(SyncRequested, c => c.Message.RunId != c.Saga.RunId)
                .Then(c => RunProgress.Start(c.Saga, c.Message, time.GetUtcNow()))
                .Activity(a => a.OfType<PlanRunActivity>())
                .ThenAsync(SendPlan)
                .Respond(c => new SyncAccepted(c.Message.RunId, c.Message.AccountId, Deduplicated: false))
                .TransitionTo(FetchingEntities));

        During(FetchingEntities, FetchingInsights,
            When(SyncRequested, c => c.Message.DatePreset == c.Saga.DatePreset)
                .Respond(c => new SyncAccepted(c.Saga.RunId!.Value, c.Saga.AccountId, Deduplicated: true)),
            When(SyncRequested, c => c.Message.DatePreset != c.Saga.DatePreset)
                .Respond(c => new SyncRejected(c.Saga.AccountId,
                    $"A sync with datePreset '{c.Saga.DatePreset}' is running for this account; wait for it or ask for the same preset.",
                    c.Saga.RunId)),

            When(PageFetched, c => IsCurrent(c.Saga, c.Message.RunId))
                .ThenAsync(async c =>
                {
                    if (RunProgress.PartitionOf(c.Saga, c.Message) is not { } partition)
                    {
                        logger.LogWarning("Dropping a {Level} page of run {RunId} for {AccountId}: partition {PartitionId} is not in the run's plan (a message of an older shape?)",
                            c.Message.Level, c.Message.RunId, c.Saga.AccountId, c.Message.PartitionId);
                    }
                    else if (RunProgress.RecordPage(c.Saga, partition, c.Message, time.GetUtcNow()))
                    {
                        foreach (var children in ChildReads.Add(c.Saga, partition, c.Message, settings.PartitionMaxIds))
                        {
                            await c.Publish(children);
                        }

                        var (entities, insights) = NewCampaignReads.Add(c.Saga, c.Message, settings.PartitionMaxIds);
                        foreach (var command in entities)
                        {
                            await c.Publish(command);
                        }

                        foreach (var command in insights)
                        {
                            await c.Publish(command);
                        }

                        if (HeldInsightReads.Release(c.Saga, c.Message) is { } held)
                        {
                            await c.Publish(held);
                        }

                        await ProgressEvent.PublishAsync(c, settings.ProgressInterval, time.GetUtcNow());
                    }
                })
                .If(c => RunProgress.AllLevelsDone(c.Saga), x => x.TransitionTo(FetchingInsights))
                .If(c => RunProgress.IsFinished(c.Saga), x => x.Activity(a => a.OfInstanceType<FinishRunActivity>()).TransitionTo(Idle)),

            When(BatchFetched, c => IsCurrent(c.Saga, c.Message.RunId))
                .Then(c => RunProgress.RecordBatch(c.Saga, c.Message.BatchId, succeeded: true, c.Message.GraphCalls, time.GetUtcNow()))
                .ThenAsync(c => ProgressEvent.PublishAsync(c, settings.ProgressInterval, time.GetUtcNow()))
                .If(c => RunProgress.IsFinished(c.Saga), x => x.Activity(a => a.OfInstanceType<FinishRunActivity>()).TransitionTo(Idle)),
            When(BatchFailed, c => IsCurrent(c.Saga, c.Message.RunId))
                .Then(c =>
                {
                    if (RunProgress.RecordBatch(c.Saga, c.Message.BatchId, succeeded: false, c.Message.GraphCalls, time.GetUtcNow()))
                    {
                        RunProgress.RecordCause(c.Saga, $"insights: {c.Message.Error}", c.Message.Cause, replace: false);
                    }
                })
                .ThenAsync(c => ProgressEvent.PublishAsync(c, settings.ProgressInterval, time.GetUtcNow()))
                .If(c => RunProgress.IsFinished(c.Saga), x => x.Activity(a => a.OfInstanceType<FinishRunActivity>()).TransitionTo(Idle)),
            When(BatchFaulted, c => IsCurrent(c.Saga, c.Message.Message.RunId))
                .Then(c => RunProgress.RecordBatch(c.Saga, c.Message.Message.BatchId, succeeded: false, 0, time.GetUtcNow()))
                .ThenAsync(c => ProgressEvent.PublishAsync(c, settings.ProgressInterval, time.GetUtcNow()))
                .If(c => RunProgress.IsFinished(c.Saga), x => x.Activity(a => a.OfInstanceType<FinishRunActivity>()).TransitionTo(Idle)),

            When(LevelFailed, c => IsCurrent(c.Saga, c.Message.RunId))
                .Then(c => Fail(c.Saga, SyncOutcome.Failed, $"{c.Message.Level}: {c.Message.Error}", time, c.Message.Cause))
                .Activity(a => a.OfInstanceType<FinishRunActivity>())
                .TransitionTo(Idle),
            When(LevelFaulted, c => IsCurrent(c.Saga, c.Message.Message.RunId))
                .Then(c => Fail(c.Saga, SyncOutcome.Failed, $"{c.Message.Message.Level}: {FaultText(c.Message)}", time))
                .Activity(a => a.OfInstanceType<FinishRunActivity>())
                .TransitionTo(Idle),

            When(RunStalled, c => IsCurrent(c.Saga, c.Message.RunId) && IsOverdue(c.Saga, settings, time))
                .Then(c => Fail(c.Saga, SyncOutcome.TimedOut, $"The run took longer than Sync:RunTimeout ({settings.RunTimeout}).", time))
                .Activity(a => a.OfInstanceType<FinishRunActivity>())
                .TransitionTo(Idle),
            When(RunStalled, c => IsCurrent(c.Saga, c.Message.RunId) && !IsOverdue(c.Saga, settings, time) && IsStalled(c.Saga, settings, time))
                .ThenAsync(c => Redrive(c, settings, time, logger)));

        // Progress of another run (an older one, or one that already ended): acknowledged and dropped.
        DuringAny(
            When(PageFetched, c => !IsCurrent(c.Saga, c.Message.RunId)).Then(c => LogStale(logger, c.Saga, c.Message.RunId, nameof(EntitiesFetched))),
            When(BatchFetched, c => !IsCurrent(c.Saga, c.Message.RunId)).Then(c => LogStale(logger, c.Saga, c.Message.RunId, nameof(InsightsBatchFetched))),
            When(BatchFailed, c => !IsCurrent(c.Saga, c.Message.RunId)).Then(c => LogStale(logger, c.Saga, c.Message.RunId, nameof(InsightsBatchFailed))),
            When(BatchFaulted, c => !IsCurrent(c.Saga, c.Message.Message.RunId)).Then(c => LogStale(logger, c.Saga, c.Message.Message.RunId, "Fault<FetchInsightsBatch>")),
            When(LevelFailed, c => !IsCurrent(c.Saga, c.Message.RunId)).Then(c => LogStale(logger, c.Saga, c.Message.RunId, nameof(EntityFetchFailed))),
            When(LevelFaulted, c => !IsCurrent(c.Saga, c.Message.Message.RunId)).Then(c => LogStale(logger, c.Saga, c.Message.Message.RunId, "Fault<FetchEntities>")),
            When(RunStalled, c => !IsCurrent(c.Saga, c.Message.RunId)).Then(c => LogStale(logger, c.Saga, c.Message.RunId, nameof(SyncRunStalled))));
    }

    // Stored by name in account_syncs.current_state; SQL reads them only through the sync_run_status view, so a state
    // added or renamed here needs a migration that replaces the view (its test compares the two).
    public State Idle { get; } = null!;
    public State FetchingEntities { get; } = null!;
    public State FetchingInsights { get; } = null!;

    public Event<SyncAccountRequested> SyncRequested { get; } = null!;
    public Event<EntitiesFetched> PageFetched { get; } = null!;
    public Event<EntityFetchFailed> LevelFailed { get; } = null!;
    public Event<Fault<FetchEntities>> LevelFaulted { get; } = null!;
    public Event<InsightsBatchFetched> BatchFetched { get; } = null!;
    public Event<InsightsBatchFailed> BatchFailed { get; } = null!;
    public Event<Fault<FetchInsightsBatch>> BatchFaulted { get; } = null!;
    public Event<SyncRunStalled> RunStalled { get; } = null!;

    static void Correlate<T>(IEventCorrelationConfigurator<AccountSyncState, T> e, Func<T, string> accountId) where T : class
    {
        e.CorrelateById(c => AccountCorrelation.For(accountId(c.Message)));
        e.OnMissingInstance(m => m.Discard());
    }

    static bool IsCurrent(AccountSyncState s, Guid runId) => s.RunId == runId && s.Outcome is null;

    static bool IsOverdue(AccountSyncState s, SagaOptions o, TimeProvider time) => time.GetUtcNow() - s.StartedAt >= o.RunTimeout;

    static bool IsStalled(AccountSyncState s, SagaOptions o, TimeProvider time) => time.GetUtcNow() - s.LastProgressAt >= o.StallAfter;

    static void Fail(AccountSyncState s, SyncOutcome outcome, string error, TimeProvider time, FailureCause? cause = null)
    {
        s.Outcome = outcome.ToString();
        RunProgress.RecordCause(s, error, cause, replace: true);
        s.FinishedAt = time.GetUtcNow();
    }

    static string FaultText<T>(Fault<T> fault) =>
        fault.Exceptions.FirstOrDefault() is { } e ? $"{e.ExceptionType}: {e.Message}" : "the command faulted";

    /// <summary>A new run's reads, all at once: every entity partition and the planned insight reads (which need no entity ids).</summary>
    static async Task SendPlan(BehaviorContext<AccountSyncState, SyncAccountRequested> c)
    {
        foreach (var command in RunProgress.PartitionsNotDone(c.Saga))
        {
            await c.Publish(command);
        }

        foreach (var command in RunProgress.Outstanding(c.Saga))
        {
            await c.Publish(command);
        }
    }

    /// <summary>
    /// Sends again what the run still waits for: unfinished partitions and unanswered insight reads, marked
    /// <c>Redriven</c>. Consumers are idempotent, and a fetcher acknowledges a re-driven command whose work this saga has
    /// recorded done by the time it arrives without a Graph call (the first copy was not lost after all, only slow).
    /// </summary>
    static async Task Redrive(BehaviorContext<AccountSyncState, SyncRunStalled> c, SagaOptions o, TimeProvider time, ILogger logger)
    {
        var s = c.Saga;
        if (s.Redrives >= o.MaxRedrives)
        {
            return;
        }

        s.Redrives++;
        s.LastProgressAt = time.GetUtcNow();
        var partitions = RunProgress.PartitionsNotDone(s).ToList();
        var batches = RunProgress.Outstanding(s).ToList();
        logger.LogWarning("Run {RunId} of {AccountId} stalled; re-driving {Partitions} partition(s) of levels [{Levels}] and {Batches} insight read(s), attempt {Redrive}/{Max}",
            s.RunId, s.AccountId, partitions.Count, string.Join(", ", partitions.Select(p => p.Level).Distinct()), batches.Count, s.Redrives, o.MaxRedrives);

        foreach (var command in partitions)
        {
            await c.Publish(command with { Redriven = true });
        }

        foreach (var command in batches)
        {
            await c.Publish(command with { Redriven = true });
        }
    }

    static void LogStale(ILogger logger, AccountSyncState s, Guid runId, string message) =>
        logger.LogDebug("Ignoring {Message} of run {StaleRunId} for {AccountId}: the current run is {RunId}", message, runId, s.AccountId, s.RunId);
}
