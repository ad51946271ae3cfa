using EventDriven.Contracts.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Simulator;

public static class SimulatorServiceCollectionExtensions
{
    /// <summary>One <see cref="UpstreamSimulator"/> for the process, configured from section <c>Simulator</c>.</summary>
    public static IServiceCollection AddUpstreamSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SimulatorOptions, SimulatorOptionsValidator>(configuration, SimulatorOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UpstreamSimulator>();
        return services;
    }

    /// <summary>A factory of the simulator as an HttpClient's primary handler (the offline demo's upstreams).</summary>
    public static HttpMessageHandler CreateMessageHandler(IServiceProvider services) =>
        new SimulatorMessageHandler(services.GetRequiredService<UpstreamSimulator>());
}
