using EventDriven.Consumers.Lookups;
using EventDriven.Sagas;
using EventDriven.Sagas.Persistence;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Consumers.Bus;

public static class BusExtensions
{
    /// <summary>
    /// MassTransit for the process's role on the configured transport. Workers (and the embedded mode) get the saga
    /// and the consumers; the API only publishes. Refuses configurations in which a process cannot see the state it serves.
    /// </summary>
    public static IServiceCollection AddLookupBus(this IServiceCollection services, IConfiguration configuration, BusRole role)
    {
        var bus = configuration.GetSection(BusOptions.SectionName).Get<BusOptions>() ?? new BusOptions();
        var persistence = configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>() ?? new PersistenceOptions();
        CheckTopology(bus, persistence, role);

        services.AddOptions<BusOptions>().Bind(configuration.GetSection(BusOptions.SectionName));
        services.AddOptions<LookupOptions>()
            .Bind(configuration.GetSection(LookupOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            if (role != BusRole.Api)
            {
                x.AddCrimeLookupSaga(configuration);
                x.AddConsumer<GeocodePostcodeConsumer, GeocodePostcodeConsumerDefinition>();
                x.AddConsumer<FetchCrimesConsumer, FetchCrimesConsumerDefinition>();
                x.AddConsumer<UnsupportedPostcodeRecorder, UnsupportedPostcodeRecorderDefinition>();
            }

            switch (bus.Transport)
            {
                case BusTransport.InMemory:
                    x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
                    break;
                case BusTransport.RabbitMq:
                    x.UsingRabbitMq((context, cfg) =>
                    {
                        var rabbit = bus.RabbitMq;
                        cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, h =>
                        {
                            h.Username(rabbit.Username);
                            h.Password(rabbit.Password);
                            if (rabbit.UseSsl)
                            {
                                h.UseSsl(ssl => ssl.ServerName = rabbit.Host);
                            }
                        });
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    throw new InvalidOperationException($"Bus:Transport '{bus.Transport}' is not known (InMemory or RabbitMq).");
            }
        });

        return services;
    }

    internal static void CheckTopology(BusOptions bus, PersistenceOptions persistence, BusRole role)
    {
        if (bus.Transport == BusTransport.InMemory && role != BusRole.Embedded)
        {
            throw new InvalidOperationException(
                "Bus:Transport=InMemory only works with everything in one process: run Producers alone (embedded mode), " +
                "or set Bus__Transport=RabbitMq for separate Producers and Consumers processes.");
        }

        if (bus.Transport != BusTransport.InMemory && persistence.Provider == PersistenceProvider.InMemory && role != BusRole.Embedded)
        {
            throw new InvalidOperationException(
                $"Bus:Transport={bus.Transport} runs the API and the workers as separate processes, which must share the saga and " +
                "results: set Persistence__Provider=DynamoDb (and Persistence__DynamoDb__ServiceUrl for DynamoDB Local).");
        }
    }
}
