using EventDriven.Contracts;
using EventDriven.Hosting.DeadLetters;
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
