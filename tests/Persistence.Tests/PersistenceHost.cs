using EventDriven.Contracts;
using EventDriven.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventDriven.Persistence.Tests;

/// <summary>The persistence registration exactly as a host gets it from configuration (docs/architecture.md, "Configuration"), with its hosted services started.</summary>
internal sealed class PersistenceHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private PersistenceHost(ServiceProvider provider) => _provider = provider;

    public static IConfiguration Configuration(params (string EnvironmentKey, string? Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(ConfigurationKeys.ToConfigurationPath(s.EnvironmentKey), s.Value)))
            .Build();

    public static IServiceCollection Register(IConfiguration configuration) => new ServiceCollection().AddLookupPersistence(configuration);

    public static async Task<PersistenceHost> StartAsync(IConfiguration configuration)
    {
        var provider = Register(configuration).BuildServiceProvider(true);
        // As the generic host does before it starts anything: options registered with ValidateOnStart are checked.
        provider.GetService<IStartupValidator>()?.Validate();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return new PersistenceHost(provider);
    }

    public async Task<HealthReport> ReadinessAsync() =>
        await _provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
