using EventDriven.Contracts;
using EventDriven.Contracts.Configuration;
using EventDriven.Hosting.History;
using EventDriven.Persistence;
using EventDriven.Persistence.History;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EventDriven.Hosting.Bus;

public static class BusExtensions
{
    /// <summary>
    /// MassTransit for the process's role on the configured transport: the one place that picks the transport. The API
    /// only publishes; workers and the embedded process add their receive endpoints through
    /// <paramref name="configureReceivers"/> (the saga and the consumers). Refuses configurations in which a process
    /// cannot see the state it serves.
    /// </summary>
    public static IServiceCollection AddLookupBus(
        this IServiceCollection services,
        IConfiguration configuration,
        BusRole role,
        Action<IBusRegistrationConfigurator>? configureReceivers = null)
    {
        var bus = configuration.GetSection(BusOptions.SectionName).Get<BusOptions>() ?? new BusOptions();
        var persistence = configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>() ?? new PersistenceOptions();
        CheckTopology(bus, persistence, role);

        services.AddValidatedOptions<BusOptions, BusOptionsValidator>(configuration, BusOptions.SectionName);
        if (bus.Transport == BusTransport.RabbitMq)
        {
            services.TryAddSingleton<BrokerConnectionHealthCheck>();
            services.AddHealthChecks().AddCheck<BrokerConnectionHealthCheck>(BrokerConnectionHealthCheck.Name, HealthStatus.Unhealthy, [HealthCheckTags.Ready]);
            if (configureReceivers is not null)
            {
                // Consumers come back as soon as the broker does, not at MassTransit's next scheduled reconnect.
                services.TryAddSingleton<ReceiveEndpointReconnector>();
                services.AddHostedService(provider => provider.GetRequiredService<ReceiveEndpointReconnector>());
            }
        }

        if (configureReceivers is not null)
        {
            // A message that fails for good is noted in its lookup's history (when the process keeps one).
            services.AddSingleton<IReceiveObserver>(provider => provider.GetService<ILookupHistory>() is { } history
                ? ActivatorUtilities.CreateInstance<DeadLetterHistoryObserver>(provider, history)
                : new NoReceiveObserver());
        }

        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            if (configureReceivers is not null)
            {
                configureReceivers(x);
                x.AddConfigureEndpointsCallback((context, _, endpoint) =>
                {
                    ConfigureEndpoint(endpoint, bus);
                    if (context.GetService<ReceiveEndpointReconnector>() is { } reconnector)
                    {
                        endpoint.ConnectReceiveEndpointObserver(reconnector);
                    }
                });
            }

            switch (bus.Transport)
            {
                case BusTransport.InMemory:
                    x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
                    break;
                case BusTransport.RabbitMq:
                    x.UsingRabbitMq((context, cfg) =>
                    {
                        ConfigureRabbitMqHost(cfg, bus.RabbitMq, role);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    throw new InvalidOperationException($"Bus:Transport '{bus.Transport}' is not known (InMemory or RabbitMq).");
            }
        });

        return services;
    }

    /// <summary>Broker connection with publisher confirms: a publish completes only once RabbitMQ has the message.</summary>
    internal static void ConfigureRabbitMqHost(IRabbitMqBusFactoryConfigurator cfg, RabbitMqOptions rabbit, BusRole role)
    {
        cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
        {
            h.Username(rabbit.Username);
            h.Password(rabbit.Password);
            h.PublisherConfirmation = true;
            // Notice a dead broker in seconds, not minutes, so readiness and publishes fail fast.
            h.Heartbeat(TimeSpan.FromSeconds(10));
            h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
            if (rabbit.UseSsl)
            {
                h.UseSsl(ssl => ssl.ServerName = rabbit.Host);
            }
        });
        // Queues and exchanges survive a broker restart; messages are persistent (MassTransit's defaults, stated).
        cfg.Durable = true;
        cfg.AutoDelete = false;
        if (role == BusRole.Api)
        {
            // The API's lookup requests go to the saga's queue, which the send declares (CrimeLookupRequests), so they
            // wait there even before any worker has started. Mandatory all the same: a message the broker cannot route
            // is returned and the request fails (503) instead of being confirmed and silently dropped.
            static void Mandatory(SendContext context)
            {
                if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                {
                    rabbit.Mandatory = true;
                }
            }

            cfg.ConfigureSend(s => s.UseExecute(Mandatory));
            cfg.ConfigurePublish(p => p.UseExecute(Mandatory));
        }
    }

    /// <summary>Per-endpoint settings that do not belong to one consumer's definition.</summary>
    internal static void ConfigureEndpoint(IReceiveEndpointConfigurator endpoint, BusOptions bus)
    {
        // Added before the definitions configure their consumers: the outermost filter of every endpoint.
        endpoint.UseInfrastructureOutageRetry();

        if (endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            return;
        }

        if (bus.RabbitMq.PrefetchCount is { } prefetch)
        {
            rabbit.PrefetchCount = prefetch;
        }
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

    /// <summary>Stands in for the history observer in a process without a history store.</summary>
    private sealed class NoReceiveObserver : IReceiveObserver
    {
        public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

        public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
            where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan elapsed, string consumerType, Exception exception)
            where T : class => Task.CompletedTask;

        public Task ReceiveFault(ReceiveContext context, Exception exception) => Task.CompletedTask;
    }
}
