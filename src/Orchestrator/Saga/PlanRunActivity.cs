using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>Asks the planner what a new run reads and records its partitions and insight reads in the run's ledger, before anything is sent.</summary>
public sealed class PlanRunActivity(SyncPlanner planner) : IStateMachineActivity<AccountSyncState, SyncAccountRequested>
{
    public void Probe(ProbeContext context) => context.CreateScope("plan-run");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);

    public async Task Execute(BehaviorContext<AccountSyncState, SyncAccountRequested> context, IBehavior<AccountSyncState, SyncAccountRequested> next)
    {
        RunProgress.Plan(context.Saga, await planner.PlanAsync(context.Message, context.CancellationToken));
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<AccountSyncState, SyncAccountRequested, TException> context,
        IBehavior<AccountSyncState, SyncAccountRequested> next) where TException : Exception => next.Faulted(context);
}
