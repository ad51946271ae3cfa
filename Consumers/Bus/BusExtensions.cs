using EventDriven.Consumers.DeadLetters;
using EventDriven.Consumers.Lookups;
using EventDriven.Consumers.Upstreams;
using EventDriven.Contracts;
using EventDriven.Sagas;
using EventDriven.Sagas.Persistence;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventDriven.Consumers.Bus;

public static class BusExtensions
{
    /// <summary>
    /// MassTransit for the process's role on the configured transport. Workers (and the embedded mode) get the saga
    /// and the consumers; the API only publishes. Refuses configurations in which a process cannot see the state it serves.
    /// Also registers the dead-letter service (<see cref="DeadLetterExtensions.AddDeadLetters"/>) and the shutdown time.
    /// </summary>
    public static IServiceCollection AddLookupBus(this IServiceCollection services, IConfiguration configuration, BusRole role)
    {
        var bus = configuration.GetSection(BusOptions.SectionName).Get<BusOptions>() ?? new BusOptions();
        var persistence = configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>() ?? new PersistenceOptions();
        CheckTopology(bus, persistence, role);

        services.AddOptions<BusOptions>()
            .Bind(configuration.GetSection(BusOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<LookupOptions>()
            .Bind(configuration.GetSection(LookupOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddGracefulShutdown(configuration);
        services.AddDeadLetters(configuration);
        if (bus.Transport == BusTransport.RabbitMq)
        {
            services.TryAddSingleton<BrokerConnectionHealthCheck>();
            services.AddHealthChecks().AddCheck<BrokerConnectionHealthCheck>(BrokerConnectionHealthCheck.Name, HealthStatus.Unhealthy, ["ready"]);
        }

        if (role == BusRole.Workers && bus.Transport == BusTransport.RabbitMq)
        {
            // N worker processes split one police budget (they share one egress IP): see FleetPoliceShare.
            services.TryAddSingleton<FleetPoliceShare>();
            services.AddHostedService<FleetBudgetMonitor>();
            // Commands lost between the saga's save and its send (crash, broker restart) are re-sent.
            services.TryAddSingleton(TimeProvider.System);
            services.AddHostedService<StuckLookupSweeper>();
        }

        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            if (role != BusRole.Api)
            {
                x.AddCrimeLookupSaga(configuration);
                x.AddConsumer<GeocodePostcodeConsumer, GeocodePostcodeConsumerDefinition>();
                x.AddConsumer<FetchCrimesConsumer, FetchCrimesConsumerDefinition>();
                x.AddConsumer<UnsupportedPostcodeRecorder, UnsupportedPostcodeRecorderDefinition>();
                x.AddConfigureEndpointsCallback((_, queue, endpoint) => ConfigureEndpoint(queue, endpoint, bus));
            }

            // The one place that picks the transport.
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

    /// <summary>
    /// <c>Workers:ShutdownTimeout</c> (when set; else the host's own <c>shutdownTimeoutSeconds</c>, default 30 s) bounds
    /// the whole stop: the host's shutdown timeout, and within it the time MassTransit lets in-flight consumers finish
    /// before it cancels them (their messages then go back to the queue).
    /// </summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(WorkerOptions.SectionName);
        services.AddOptions<WorkerOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var configured = section.Get<WorkerOptions>()?.ShutdownTimeout;
        if (configured is { } timeout && timeout >= WorkerOptions.MinimumShutdownTimeout)
        {
            // Out-of-range values are left to options validation, which names the key at start-up.
            services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        }

        services.AddOptions<MassTransitHostOptions>().Configure<IOptions<HostOptions>>((o, host) =>
        {
            var shutdown = host.Value.ShutdownTimeout;
            o.WaitUntilStarted = false; // a broker that is down at start-up must not block the host (readiness says so)
            o.ConsumerStopTimeout = shutdown > WorkerOptions.CloseMargin * 2 ? shutdown - WorkerOptions.CloseMargin : shutdown / 2;
            o.StopTimeout = shutdown;
        });
        return services;
    }

    /// <summary>Broker connection with publisher confirms: a publish completes only once RabbitMQ has the message.</summary>
    internal static void ConfigureRabbitMqHost(IRabbitMqBusFactoryConfigurator cfg, RabbitMqOptions rabbit, BusRole role)
    {
        cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, h =>
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
            // The API's lookup requests: one no queue is bound for yet (a brand-new broker before any worker declared
            // its queues) is returned and the publish fails (503) instead of being confirmed and silently dropped.
            // Workers publish only inside consumers, to bindings they declared themselves.
            cfg.ConfigurePublish(p => p.UseExecute(context =>
            {
                if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                {
                    rabbit.Mandatory = true;
                }
            }));
        }
    }

    /// <summary>Per-endpoint settings that do not belong to one consumer's definition.</summary>
    internal static void ConfigureEndpoint(string queue, IReceiveEndpointConfigurator endpoint, BusOptions bus)
    {
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
}
