using EventDriven.Contracts.Configuration;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Persistence.InMemory;
using EventDriven.Sagas;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

// Registration extensions live in the DI container's namespace (Microsoft's convention for libraries): choosing a
// provider needs both store namespaces, which in turn build on EventDriven.Persistence's abstractions.
namespace Microsoft.Extensions.DependencyInjection;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>Binds <c>Persistence</c> options and registers the results store, state reader and registry of the chosen provider.</summary>
    public static IServiceCollection AddLookupPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>() ?? new PersistenceOptions();
        services.AddValidatedOptions<PersistenceOptions, PersistenceOptionsValidator>(configuration, PersistenceOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);

        switch (options.Provider)
        {
            case PersistenceProvider.InMemory:
                services.TryAddSingleton<ILookupResultStore, InMemoryLookupResultStore>();
                services.TryAddSingleton<IUnsupportedPostcodeRegistry, InMemoryUnsupportedPostcodeRegistry>();
                services.TryAddSingleton<ILookupStateReader, InMemoryLookupStateReader>();
                services.TryAddSingleton<InMemoryAcceptedLookups>();
                services.TryAddSingleton<IAcceptedLookups>(provider => provider.GetRequiredService<InMemoryAcceptedLookups>());
                break;
            case PersistenceProvider.DynamoDb:
                services.AddDynamoDbLookupPersistence(options.DynamoDb);
                break;
            default:
                throw new InvalidOperationException($"Persistence:Provider '{options.Provider}' is not known (InMemory or DynamoDb).");
        }

        return services;
    }

    /// <summary>Registers the lookup saga with the repository of the configured provider.</summary>
    public static IBusRegistrationConfigurator AddCrimeLookupSaga(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        var options = configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>() ?? new PersistenceOptions();
        bus.AddMetrics();
        bus.TryAddSingleton<LookupMetrics>();
        var saga = bus.AddSagaStateMachine<CrimeLookupStateMachine, CrimeLookupState, CrimeLookupStateDefinition>();
        switch (options.Provider)
        {
            case PersistenceProvider.InMemory:
                saga.InMemoryRepository();
                break;
            case PersistenceProvider.DynamoDb:
                saga.DynamoDbRepository(options.DynamoDb);
                break;
            default:
                throw new NotSupportedException($"Persistence:Provider '{options.Provider}' has no saga repository yet.");
        }

        return bus;
    }
}
