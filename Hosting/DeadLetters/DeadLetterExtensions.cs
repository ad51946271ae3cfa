using EventDriven.Hosting.Bus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Hosting.DeadLetters;

public static class DeadLetterExtensions
{
    /// <summary>
    /// <see cref="IDeadLetterService"/> for the configured transport: RabbitMQ's error queues, or the embedded-mode
    /// stand-in that explains there are none. Called by <see cref="BusExtensions.AddLookupBus"/>; a process without a
    /// bus (the operator CLI) calls it directly. Registering twice is harmless.
    /// </summary>
    public static IServiceCollection AddDeadLetters(this IServiceCollection services, IConfiguration configuration)
    {
        var bus = configuration.GetSection(BusOptions.SectionName).Get<BusOptions>() ?? new BusOptions();
        switch (bus.Transport)
        {
            case BusTransport.RabbitMq:
                services.TryAddSingleton<IDeadLetterService>(sp => new RabbitMqDeadLetterService(bus.RabbitMq));
                services.TryAddSingleton<IDeadLetterSessions>(sp => new RabbitMqDeadLetterSessions(bus.RabbitMq));
                break;
            default:
                services.TryAddSingleton<IDeadLetterService, EmbeddedDeadLetterService>();
                services.TryAddSingleton<IDeadLetterSessions, EmbeddedDeadLetterService>();
                break;
        }

        return services;
    }
}
