using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventDriven.Functions.Hosting;

/// <summary>
/// The services a handler's parameterless constructor uses when the Lambda managed runtime creates it: configuration
/// from environment variables (the names of docs/architecture.md, "Configuration", e.g. <c>Persistence__Provider</c>). Each function keeps one provider
/// per container (a static <see cref="Lazy{T}"/>), so warm invocations reuse clients and connections.
/// </summary>
internal static class LambdaServices
{
    public static IServiceProvider Build(Action<IServiceCollection, IConfiguration> register)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        // Lambda sends stdout to CloudWatch Logs: one line per entry keeps each entry one log event.
        services.AddLogging(logging => logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
        }));
        // As a host has it: registrations that record metrics take an IMeterFactory.
        services.AddMetrics();
        register(services, configuration);
        return services.BuildServiceProvider();
    }
}
