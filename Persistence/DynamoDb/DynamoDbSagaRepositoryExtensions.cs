using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Persistence.DynamoDb;

public static class DynamoDbSagaRepositoryExtensions
{
    /// <summary>
    /// Stores this saga type in DynamoDB with optimistic locking. Needs an <c>IAmazonDynamoDB</c> in the container
    /// (<see cref="DynamoDbPersistenceExtensions.AddDynamoDbClient(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>); the table must have a string <c>PK</c> (see <see cref="DynamoTables.Lookups"/>).
    /// </summary>
    public static ISagaRegistrationConfigurator<TSaga> DynamoDbRepository<TSaga, TMapper>(
        this ISagaRegistrationConfigurator<TSaga> configurator,
        Func<IServiceProvider, string> tableName)
        where TSaga : class, ISagaVersion
        where TMapper : class, IDynamoSagaItemMapper<TSaga>
    {
        configurator.Repository(repository =>
        {
            repository.TryAddSingleton(TimeProvider.System);
            repository.TryAddSingleton<IDynamoSagaItemMapper<TSaga>, TMapper>();
            repository.TryAddSingleton(provider => new DynamoSagaTable<TSaga>(tableName(provider)));
            repository.TryAddSingleton<DynamoDbSagaStore<TSaga>>();
            repository.RegisterLoadSagaRepository<TSaga, DynamoDbSagaRepositoryContextFactory<TSaga>>();
            repository.RegisterSagaRepository<TSaga, DynamoDbSagaStore<TSaga>,
                SagaConsumeContextFactory<DynamoDbSagaStore<TSaga>, TSaga>, DynamoDbSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
