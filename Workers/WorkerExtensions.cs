using EventDriven.Hosting.Bus;
using EventDriven.Persistence;
using EventDriven.Sagas;
using EventDriven.Workers.History;
using EventDriven.Workers.Lookups;
using EventDriven.Workers.Publication;
using EventDriven.Workers.Upstreams;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Workers;

public static class WorkerExtensions
{
    /// <summary>
    /// The services the lookup workers need besides the bus: upstream clients with their resilience pipelines, the
    /// lookup options, the check of the police's publication, in a worker process on RabbitMQ the fleet's police budget
    /// split, and wherever the saga's state is durable the stuck-lookup sweep (and in the embedded process the recovery of
    /// what a crash left in flight).
    /// </summary>
    /// <param name="upstreamHandler">
    /// The upstream clients' primary handler; null for real HTTP. The embedded offline demo passes the simulator's.
    /// </param>
    public static IServiceCollection AddLookupWorkers(
        this IServiceCollection services,
        IConfiguration configuration,
        BusRole role,
        Func<IServiceProvider, HttpMessageHandler>? upstreamHandler = null)
    {
        services.AddLookupOptions(configuration);
        services.AddUpstreamClients(configuration, upstreamHandler);
        // What the police have published, checked for the fleet by one process per interval (see PolicePublications).
        services.TryAddSingleton<PolicePublications>();
        services.AddHostedService<PolicePublicationMonitor>();
        // Every upstream attempt made for a lookup goes to its history: the consumed message says which lookup.
        services.AddSingleton<IConfigureReceiveEndpoint, CurrentLookupConfigurator>();

        var transport = configuration.GetSection(BusOptions.SectionName).Get<BusOptions>()?.Transport ?? BusTransport.InMemory;
        var persistence = configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>()?.Provider ?? PersistenceProvider.InMemory;
        services.TryAddSingleton(TimeProvider.System);
        if (role == BusRole.Workers && transport == BusTransport.RabbitMq)
        {
            // N worker processes split one police budget (they share one egress IP): see FleetPoliceShare. This one
            // joins a fleet that may already call at the full rate.
            services.Replace(ServiceDescriptor.Singleton(FleetPoliceShare.ForJoiningWorker()));
            services.AddHostedService<FleetBudgetMonitor>();
        }

        if (persistence != PersistenceProvider.InMemory)
        {
            // Wherever the saga's state outlives the process, commands lost between the saga's save and its send
            // (crash, broker restart) are re-sent: by every worker, or by the embedded process.
            services.AddHostedService<StuckLookupSweeper>();
            if (role == BusRole.Embedded)
            {
                // The embedded bus is in memory: what was in flight when the process died is resumed when it starts again.
                services.AddHostedService<InFlightLookupRecovery>();
            }
        }

        return services;
    }

    /// <summary>The receive endpoints of the lookup workers: the saga (on the configured store), the three consumers and the crimes replay lane.</summary>
    public static IBusRegistrationConfigurator AddLookupReceivers(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        bus.AddCrimeLookupSaga(configuration);
        bus.AddConsumer<GeocodePostcodeConsumer, GeocodePostcodeConsumerDefinition>();
        bus.AddConsumer<FetchCrimesConsumer, FetchCrimesConsumerDefinition>();
        bus.AddConsumer<ReplayedFetchCrimesConsumer, ReplayedFetchCrimesConsumerDefinition>();
        bus.AddConsumer<UnsupportedPostcodeRecorder, UnsupportedPostcodeRecorderDefinition>();
        return bus;
    }
}
