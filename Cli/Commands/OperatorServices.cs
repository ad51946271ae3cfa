using EventDriven.Contracts;
using EventDriven.Hosting.Bus;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Hosting.Operations;
using EventDriven.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Cli.Commands;

/// <summary>The stores and the broker as the services see them, built from the same configuration keys (docs/architecture.md, "Configuration").</summary>
internal static class OperatorServices
{
    public static ServiceProvider ForLookups(CliContext context)
    {
        var provider = context.Configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>()?.Provider ?? PersistenceProvider.InMemory;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        context.ConfigureServices?.Invoke(services);
        if (provider == PersistenceProvider.InMemory && services.All(s => s.ServiceType != typeof(ILookupStateReader)))
        {
            throw new OperatorCannotRunException(
                $"Lookups live in the services' process while {ConfigurationKeys.PersistenceProvider} is InMemory: set " +
                $"{ConfigurationKeys.PersistenceProvider}=DynamoDb and {ConfigurationKeys.PersistenceDynamoDbTablePrefix} (and " +
                $"{ConfigurationKeys.PersistenceDynamoDbServiceUrl} for DynamoDB Local), or use GET /admin/lookups on the API.");
        }

        services.AddLookupPersistence(context.Configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Stores and dead letters for the operations commands (history, stuck lookups, groups, replays, purges, audit).
    /// With <paramref name="bus"/>, also a send-only bus for re-drives (RabbitMQ only: an embedded process's bus is in that process).
    /// </summary>
    public static async Task<ServiceProvider> ForOperationsAsync(CliContext context, string what, bool bus = false, CancellationToken cancellationToken = default)
    {
        var provider = context.Configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>()?.Provider ?? PersistenceProvider.InMemory;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        context.ConfigureServices?.Invoke(services);
        if (provider == PersistenceProvider.InMemory && services.All(s => s.ServiceType != typeof(ILookupStateReader)))
        {
            throw new OperatorCannotRunException(
                $"In embedded mode ({ConfigurationKeys.PersistenceProvider}=InMemory) {what} lives in the API process's memory, which this CLI cannot see: " +
                $"use the admin API of that process, or set {ConfigurationKeys.PersistenceProvider}=DynamoDb (and {ConfigurationKeys.PersistenceDynamoDbTablePrefix}, " +
                $"{ConfigurationKeys.PersistenceDynamoDbServiceUrl} for DynamoDB Local) to reach the shared store of distributed mode.");
        }

        services.AddLookupPersistence(context.Configuration);
        services.AddDeadLetters(context.Configuration);
        services.AddOperations();
        var busNeeded = bus && services.All(s => s.ServiceType != typeof(MassTransit.ISendEndpointProvider));
        if (busNeeded)
        {
            var transport = context.Configuration.GetSection(BusOptions.SectionName).Get<BusOptions>()?.Transport ?? BusTransport.InMemory;
            if (transport != BusTransport.RabbitMq)
            {
                throw new OperatorCannotRunException(
                    $"{what} sends a message, and {ConfigurationKeys.BusTransport} is not RabbitMq: in embedded mode the bus is inside the API process; use its admin API.");
            }

            services.AddLookupBus(context.Configuration, BusRole.Api);
        }

        var built = services.BuildServiceProvider();
        if (busNeeded)
        {
            await built.GetRequiredService<MassTransit.IBusControl>().StartAsync(cancellationToken).ConfigureAwait(false);
        }

        return built;
    }

    /// <summary>Stops the bus <see cref="ForOperationsAsync"/> started, if any, then disposes.</summary>
    public static async Task DisposeOperationsAsync(ServiceProvider services)
    {
        if (services.GetService<MassTransit.IBusControl>() is { } bus)
        {
            await bus.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await services.DisposeAsync().ConfigureAwait(false);
    }

    public static ServiceProvider ForDeadLetters(CliContext context)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        context.ConfigureServices?.Invoke(services);
        services.AddDeadLetters(context.Configuration);
        return services.BuildServiceProvider();
    }
}

/// <summary>The command cannot run with this configuration; the message says what to set.</summary>
internal sealed class OperatorCannotRunException(string message) : Exception(message);
