using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.Contracts;
using EventDriven.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventDriven.Producers.Tests;

/// <summary>The whole system in one process (embedded mode) with the simulated upstreams, as `dotnet run` starts it.</summary>
public class EmbeddedApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Upstreams:Simulate"] = "true",
        ["Upstreams:RetryBaseDelay"] = "00:00:00.010",
        ["Upstreams:MaxRetryAttempts"] = "2",
        ["Logging:LogLevel:Default"] = "Warning",
        // Tests hammer the API from one address; the per-client limit has its own spec.
        ["RateLimiting:PermitsPerSecond"] = "1000000",
        ["RateLimiting:Burst"] = "1000000",
        ["RateLimiting:LookupsInFlight"] = "100000",
    };

    private string? _environment;

    public EmbeddedApiFactory WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>The hosting environment (WebApplicationFactory's default is <c>Development</c>, as under <c>dotnet run</c>).</summary>
    public EmbeddedApiFactory WithEnvironment(string environment)
    {
        _environment = environment;
        return this;
    }

    public UpstreamSimulator Simulator => Services.GetRequiredService<UpstreamSimulator>();

    /// <summary>What the host logged (Information and above).</summary>
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_environment is not null)
        {
            builder.UseEnvironment(_environment);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}

internal static class LookupPolling
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Polls <c>/lookups/{id}</c> until the lookup reaches a terminal state.</summary>
    public static async Task<JsonElement> UntilFinishedAsync(this HttpClient client, string statusUrl, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var status = await client.GetFromJsonAsync<JsonElement>(statusUrl);
            if (LookupStatus.IsTerminal(status.GetProperty("status").GetString()!))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{statusUrl} still {status.GetProperty("status")} after the timeout.");
            }

            await Task.Delay(25);
        }
    }
}
