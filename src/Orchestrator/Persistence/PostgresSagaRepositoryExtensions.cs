using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using MetaAdsSync.Storage;

namespace MetaAdsSync.Orchestrator.Persistence;

public static class PostgresSagaRepositoryExtensions
{
    /// <summary>Registers <see cref="PostgresSagaRepositoryContextFactory{TSaga}"/> as the saga's repository.</summary>
    public static ISagaRegistrationConfigurator<TSaga> PostgresRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        configurator.Repository(r =>
        {
            r.RegisterSagaRepository<TSaga, SyncDbContext, SagaConsumeContextFactory<SyncDbContext, TSaga>,
                PostgresSagaRepositoryContextFactory<TSaga>>();
            r.RegisterLoadSagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TSaga>>();
            r.RegisterQuerySagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
