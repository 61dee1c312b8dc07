using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MetaAdsSync.Orchestrator.Persistence;

public static class PostgresSagaRepositoryExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresSagaRepositoryContextFactory"/> as the saga's repository, and the scoped
    /// <see cref="SagaTransaction"/> through which the saga's services write in its transaction.
    /// </summary>
    public static ISagaRegistrationConfigurator<AccountSyncState> PostgresRepository(this ISagaRegistrationConfigurator<AccountSyncState> configurator)
    {
        configurator.Repository(r =>
        {
            r.TryAddScoped<SagaTransaction>();
            r.TryAddSingleton<SagaRowCache>();
            r.RegisterSagaRepository<AccountSyncState, SyncDbContext, SagaConsumeContextFactory<SyncDbContext, AccountSyncState>,
                PostgresSagaRepositoryContextFactory>();
            r.RegisterLoadSagaRepository<AccountSyncState, PostgresSagaRepositoryContextFactory>();
            r.RegisterQuerySagaRepository<AccountSyncState, PostgresSagaRepositoryContextFactory>();
        });
        return configurator;
    }
}
