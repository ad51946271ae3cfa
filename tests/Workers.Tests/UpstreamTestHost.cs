using EventDriven.Simulator;
using EventDriven.Workers.Upstreams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Tests;

/// <summary>The real upstream clients and resilience pipelines, with the simulator as their primary handler.</summary>
internal sealed class UpstreamTestHost : IDisposable
{
    private readonly ServiceProvider _provider;

    public UpstreamTestHost(IDictionary<string, string?>? settings = null, SimulatorOptions? simulator = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Upstreams:Simulate"] = "true",
            // Fast retries keep the tests quick; the policy shape is the production one.
            ["Upstreams:RetryBaseDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton(new UpstreamSimulator(Options.Create(simulator ?? new SimulatorOptions()), TimeProvider.System));
        services.AddUpstreamClients(configuration, SimulatorServiceCollectionExtensions.CreateMessageHandler);
        _provider = services.BuildServiceProvider();
    }

    public UpstreamSimulator Simulator => _provider.GetRequiredService<UpstreamSimulator>();

    public PostcodesIoClient PostcodesIo => _provider.GetRequiredService<PostcodesIoClient>();

    public PoliceApiClient Police => _provider.GetRequiredService<PoliceApiClient>();

    public CrimeFetcher Fetcher => _provider.GetRequiredService<CrimeFetcher>();

    public UpstreamMetrics Metrics => _provider.GetRequiredService<UpstreamMetrics>();

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public void Dispose() => _provider.Dispose();
}
