using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using MetaAdsSync.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>
/// The sync_run_status view is where SQL learns the machine's state names (the Gateway, the watchdog and the
/// scheduler ask it for Running): a state added to the machine, or renamed, without a migration replacing the view
/// fails here instead of hiding its runs from all three.
/// </summary>
public class When_the_run_status_of_a_saga_is_read(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    static readonly AccountSyncStateMachine Machine =
        new(Options.Create(new SagaOptions()), TimeProvider.System, NullLogger<AccountSyncStateMachine>.Instance);

    // MassTransit's own states: an instance is saved only after its first transition, and this machine never finalizes.
    static IEnumerable<State> StoredStates => Machine.States.Where(s => s != Machine.Initial && s != Machine.Final);

    [Fact]
    public async Task Should_be_running_in_every_state_of_the_machine_but_idle()
    {
        var inFlight = StoredStates.Where(s => s != Machine.Idle).Select(s => s.Name).ToList();
        Assert.NotEmpty(inFlight);

        var statuses = await StatusesAsync(inFlight, outcome: null);

        Assert.All(inFlight, state => Assert.Equal((state, RunStatus.Running), (state, statuses[state])));
    }

    [Fact]
    public async Task Should_be_the_outcome_once_the_run_ended_in_any_state()
    {
        var states = StoredStates.Select(s => s.Name).ToList();

        var statuses = await StatusesAsync(states, nameof(SyncOutcome.Partial));

        Assert.All(states, state => Assert.Equal((state, nameof(SyncOutcome.Partial)), (state, statuses[state])));
    }

    /// <summary>One saga row per state (each its own account), read back through the view.</summary>
    async Task<Dictionary<string, string?>> StatusesAsync(IReadOnlyList<string> states, string? outcome)
    {
        var rows = states.Select(state => new AccountSyncState
        {
            CorrelationId = NewId.NextGuid(),
            AccountId = "act_" + Random.Shared.NextInt64(1, long.MaxValue),
            CurrentState = state,
            RunId = NewId.NextGuid(),
            DatePreset = SyncAccountRequested.DefaultDatePreset,
            Trigger = nameof(SyncTrigger.Manual),
            Outcome = outcome,
        }).ToList();
        await using var db = StorageRegistration.CreateContext(database.ConnectionString);
        db.AccountSyncs.AddRange(rows);
        await db.SaveChangesAsync();

        var statuses = new Dictionary<string, string?>();
        foreach (var row in rows)
        {
            statuses[row.CurrentState] = await db.Database
                .SqlQuery<string?>($"SELECT status AS \"Value\" FROM sync_run_status WHERE correlation_id = {row.CorrelationId}")
                .SingleAsync();
        }

        return statuses;
    }
}
