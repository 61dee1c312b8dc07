using MetaAdsSync.Orchestrator.Persistence;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Orchestrator.Scheduling;
using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator;

public static class OrchestratorExtensions
{
    /// <summary>The schema migrator, the account-sync saga on its PostgreSQL repository, and the run watchdog.</summary>
    public static TBuilder AddOrchestrator<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<SagaOptions>()
            .BindConfiguration(SagaOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The planner sizes a run by the account's room at the rate gate, read with the fetchers' settings.
        builder.Services.AddOptions<RateGateOptions>()
            .BindConfiguration(RateGateOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Before AddMessaging: hosted services start in order, so the schema exists before any message is handled.
        builder.Services.AddHostedService<SchemaMigrationService>();
        builder.Services.AddHostedService<SagaWarmUp>();
        builder.Services.AddAccountSyncSagaServices();
        builder.Services.AddOptions<SchedulerOptions>()
            .BindConfiguration(SchedulerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddMessaging(x =>
        {
            x.AddAccountSyncSaga();
            x.AddConsumer<RunStaleAccountSweepConsumer>();
        }, new MessageWarmUp(
            [typeof(FetchEntities), typeof(FetchInsightsBatch), typeof(SyncProgressed), typeof(AccountSyncCompleted), typeof(AccountSyncFailed),
                typeof(AccountSyncTimedOut), typeof(SyncRunStalled), typeof(SyncAccountRequested)],
            [typeof(SyncAccountRequested), typeof(SyncAccepted), typeof(SyncRejected), typeof(EntitiesFetched), typeof(EntityFetchFailed),
                typeof(InsightsBatchFetched), typeof(InsightsBatchFailed), typeof(RunStaleAccountSweep), typeof(StaleAccountSweepCompleted)]));
        builder.Services.AddSingleton<IQueuedWork>(sp => ActivatorUtilities.CreateInstance<RabbitMqQueuedWork>(sp, Queues.OfRuns));
        builder.Services.AddSingleton<RunWatchdog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RunWatchdog>());
        builder.Services.AddSingleton<StaleAccountScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StaleAccountScheduler>());
        return builder;
    }

    /// <summary>What the saga's activities need from the container (the host and the test harness share it).</summary>
    public static IServiceCollection AddAccountSyncSagaServices(this IServiceCollection services) =>
        services.AddScoped<FinishRunActivity>().AddScoped<PlanRunActivity>().AddScoped<SyncPlanner>();

    /// <summary>The saga on its PostgreSQL repository, with the run history written in the repository's transaction.</summary>
    public static IBusRegistrationConfigurator AddAccountSyncSaga(this IBusRegistrationConfigurator x)
    {
        x.AddScoped<IRunHistory, PostgresRunHistory>();
        x.AddScoped<IAccountCalendar, PostgresAccountCalendar>();
        x.AddScoped<IAccountShapes, PostgresAccountShapes>();
        x.AddAccountSyncStateMachine().PostgresRepository();
        return x;
    }

    /// <summary>The saga and its endpoint definition; the caller picks the repository, the <see cref="IRunHistory"/> and the <see cref="IAccountCalendar"/>.</summary>
    public static ISagaRegistrationConfigurator<AccountSyncState> AddAccountSyncStateMachine(this IBusRegistrationConfigurator x) =>
        x.AddSagaStateMachine<AccountSyncStateMachine, AccountSyncState>(typeof(AccountSyncSagaDefinition));
}
