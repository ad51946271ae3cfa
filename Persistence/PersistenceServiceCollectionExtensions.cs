using EventDriven.Contracts.Configuration;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Persistence.History;
using EventDriven.Persistence.InMemory;
using EventDriven.Persistence.Operations;
using EventDriven.Sagas;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

// Registration extensions live in the DI container's namespace (Microsoft's convention for libraries): choosing a
// provider needs both store namespaces, which in turn build on EventDriven.Persistence's abstractions.
namespace Microsoft.Extensions.DependencyInjection;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>Binds <c>Persistence</c> options and registers the results store, police publication record, state reader and registry of the chosen provider.</summary>
    public static IServiceCollection AddLookupPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>() ?? new PersistenceOptions();
        services.AddValidatedOptions<PersistenceOptions, PersistenceOptionsValidator>(configuration, PersistenceOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISagaDescriber<CrimeLookupState>, LookupStateDescriber>();

        switch (options.Provider)
        {
            case PersistenceProvider.InMemory:
                services.TryAddSingleton<InMemoryLookupResultStore>();
                services.TryAddSingleton<ILookupResultStore>(sp => sp.GetRequiredService<InMemoryLookupResultStore>());
                services.TryAddSingleton<InMemoryUnsupportedPostcodeRegistry>();
                services.TryAddSingleton<IUnsupportedPostcodeRegistry>(sp => sp.GetRequiredService<InMemoryUnsupportedPostcodeRegistry>());
                services.TryAddSingleton<IPolicePublicationStore, InMemoryPolicePublicationStore>();
                services.TryAddSingleton<ILookupStateReader, InMemoryLookupStateReader>();
                services.TryAddSingleton<InMemoryAcceptedLookups>();
                services.TryAddSingleton<IAcceptedLookups>(provider => provider.GetRequiredService<InMemoryAcceptedLookups>());
                services.TryAddSingleton<ILookupHistory, InMemoryLookupHistory>();
                services.TryAddSingleton<ISagaTransitionSink, InMemoryTransitionSink>();
                services.TryAddSingleton<IAuditTrail, InMemoryAuditTrail>();
                services.TryAddSingleton<IReplayJobStore, InMemoryReplayJobStore>();
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
        // Every transition goes to the lookup's history (in memory, or in the saga's own DynamoDB transaction).
        var saga = bus.AddSagaStateMachine<CrimeLookupStateMachine, CrimeLookupState>(
            typeof(CrimeLookupStateDefinition), (context, configurator) => configurator.RecordTransitions(context));
        switch (options.Provider)
        {
            case PersistenceProvider.InMemory:
                saga.InMemoryRepository();
                // The in-memory stores expire and cap what they hold, as DynamoDB's TTLs do (plus a size cap).
                bus.TryAddSingleton<InMemoryStoreRetention>();
                bus.AddHostedService(sp => sp.GetRequiredService<InMemoryStoreRetention>());
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
