using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using MetaAdsSync.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MetaAdsSync.Orchestrator.Persistence;

public static class PostgresSagaRepositoryExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresSagaRepositoryContextFactory{TSaga}"/> as the saga's repository, and the scoped
    /// <see cref="SagaTransaction"/> through which the saga's services write in its transaction.
    /// </summary>
    public static ISagaRegistrationConfigurator<TSaga> PostgresRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        configurator.Repository(r =>
        {
            r.TryAddScoped<SagaTransaction>();
            r.RegisterSagaRepository<TSaga, SyncDbContext, SagaConsumeContextFactory<SyncDbContext, TSaga>,
                PostgresSagaRepositoryContextFactory<TSaga>>();
            r.RegisterLoadSagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TSaga>>();
            r.RegisterQuerySagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
