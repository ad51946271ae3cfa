using Amazon.DynamoDBv2;
using EventDriven.Contracts;
using EventDriven.Persistence.History;
using EventDriven.Persistence.Operations;
using EventDriven.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>Registration of the DynamoDB provider (<c>Persistence:Provider=DynamoDb</c>).</summary>
public static class DynamoDbPersistenceExtensions
{
    /// <summary>
    /// The client and the table names from the validated <c>Persistence</c> options (a bad value stops start-up naming
    /// its key, before any call). TryAdd: a host or test may register its own <see cref="IAmazonDynamoDB"/> first.
    /// </summary>
    public static IServiceCollection AddDynamoDbClient(this IServiceCollection services) =>
        services.AddDynamoDbClient(provider => provider.GetRequiredService<IOptions<PersistenceOptions>>().Value.DynamoDb);

    /// <summary>The client and the table names for options given in code (tests, benchmarks).</summary>
    public static IServiceCollection AddDynamoDbClient(this IServiceCollection services, DynamoDbOptions options) =>
        services.AddDynamoDbClient(_ => options);

    private static IServiceCollection AddDynamoDbClient(this IServiceCollection services, Func<IServiceProvider, DynamoDbOptions> options)
    {
        services.TryAddSingleton(provider => DynamoTableNames.For(options(provider).TablePrefix));
        services.TryAddSingleton<DynamoTableProvisioner>();
        services.TryAddSingleton(provider => DynamoDbClientFactory.Create(options(provider)));
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging(); // idempotent; the stores log lost races at Debug
        return services;
    }

    /// <summary>Results store, police publication record, state reader, accepted lookups, registry, readiness check and (when EnsureTables is on) table creation at start-up.</summary>
    public static IServiceCollection AddDynamoDbLookupPersistence(this IServiceCollection services, DynamoDbOptions options)
    {
        services.AddDynamoDbClient();
        services.TryAddSingleton<ILookupResultStore, DynamoDbLookupResultStore>();
        services.TryAddSingleton<IPolicePublicationStore, DynamoDbPolicePublicationStore>();
        services.TryAddSingleton<IUnsupportedPostcodeRegistry, DynamoDbUnsupportedPostcodeRegistry>();
        services.TryAddSingleton<ILookupStateReader, DynamoDbLookupStateReader>();
        services.TryAddSingleton<IAcceptedLookups, DynamoDbAcceptedLookups>();
        services.TryAddSingleton<DynamoDbLookupHistory>();
        services.TryAddSingleton<ILookupHistory>(provider => provider.GetRequiredService<DynamoDbLookupHistory>());
        services.TryAddSingleton<ISagaTransitionSink, DynamoDbTransitionSink>();
        services.TryAddSingleton<IAuditTrail, DynamoDbAuditTrail>();
        services.TryAddSingleton<IReplayJobStore, DynamoDbReplayJobStore>();
        services.AddCrimeLookupSagaStore();
        if (options.ShouldEnsureTables)
        {
            services.AddHostedService<EnsureDynamoTablesHostedService>();
        }

        // Hosts that compose several features may register persistence twice; a second "dynamodb" check would make
        // the health check service throw on the duplicate name.
        if (!services.Any(s => s.ServiceType == typeof(DynamoDbHealthCheck)))
        {
            services.AddSingleton<DynamoDbHealthCheck>();
            services.AddHealthChecks().AddCheck<DynamoDbHealthCheck>(DynamoDbHealthCheck.Name, tags: [HealthCheckTags.Ready]);
        }

        return services;
    }

    /// <summary>The lookup saga on DynamoDB, in the <see cref="DynamoTables.Lookups"/> table.</summary>
    public static ISagaRegistrationConfigurator<CrimeLookupState> DynamoDbRepository(
        this ISagaRegistrationConfigurator<CrimeLookupState> saga, DynamoDbOptions options)
    {
        saga.Repository(repository => repository.AddDynamoDbClient());
        saga.DynamoDbRepository<CrimeLookupState, CrimeLookupStateItemMapper>(provider => provider.GetRequiredService<DynamoTableNames>().Lookups);
        return saga;
    }

    /// <summary>
    /// The saga store outside MassTransit's container registration, so the state reader can share it. Same singletons as
    /// <see cref="DynamoDbSagaRepositoryExtensions.DynamoDbRepository{TSaga,TMapper}"/> registers (TryAdd on both sides).
    /// </summary>
    private static IServiceCollection AddCrimeLookupSagaStore(this IServiceCollection services)
    {
        services.TryAddSingleton<IDynamoSagaItemMapper<CrimeLookupState>, CrimeLookupStateItemMapper>();
        services.TryAddSingleton(provider => new DynamoSagaTable<CrimeLookupState>(provider.GetRequiredService<DynamoTableNames>().Lookups));
        services.TryAddSingleton<DynamoDbSagaStore<CrimeLookupState>>();
        return services;
    }
}
