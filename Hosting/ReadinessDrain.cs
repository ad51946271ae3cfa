using System.ComponentModel.DataAnnotations;
using EventDriven.Contracts;
using EventDriven.Contracts.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Hosting;

/// <summary>Configuration section <c>Shutdown</c>: how an HTTP process leaves its load balancer.</summary>
public sealed class DrainOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>
    /// On SIGTERM the process first answers <c>/health/ready</c> 503 and goes on serving for this long, so the load
    /// balancer's health check takes it out of rotation before it stops listening; then in-flight requests finish and
    /// it exits. Set it to the load balancer's health-check interval times its unhealthy threshold (plus a margin).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Shutdown:DrainDelay must be between 0 and 5 minutes.")]
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Checks <see cref="DrainOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class DrainOptionsValidator : IValidateOptions<DrainOptions>;

/// <summary>
/// Leaving the load balancer the way it expects (an ALB, HAProxy): on SIGTERM, not ready first, then drain. While the
/// host is stopping, before any service stops, readiness turns unhealthy and the process keeps serving for
/// <see cref="DrainOptions.DrainDelay"/>; only then does the server stop taking connections and finish the requests in
/// flight. Without it a rolling restart fails the requests the balancer still sends in the seconds before its health
/// check notices. A process whose readiness nobody asked within the drain delay stops at once.
/// </summary>
public sealed partial class ReadinessDrain(IOptions<DrainOptions> options, ILogger<ReadinessDrain> logger) : IHostedLifecycleService, IHealthCheck
{
    public const string HealthCheckName = "draining";

    private volatile bool _draining;
    private long _lastProbe; // Environment.TickCount64 of the last readiness check; 0: none yet

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _lastProbe, Environment.TickCount64);
        return Task.FromResult(_draining ? HealthCheckResult.Unhealthy("shutting down: leaving the load balancer") : HealthCheckResult.Healthy());
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var delay = options.Value.DrainDelay;
        var lastProbe = Interlocked.Read(ref _lastProbe);
        if (lastProbe == 0 || TimeSpan.FromMilliseconds(Environment.TickCount64 - lastProbe) > delay)
        {
            // Nothing has checked readiness lately (no load balancer: a process run by hand, a test host); a balancer
            // checks more often than the drain delay, which covers its interval times its threshold.
            return;
        }

        LogDraining(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout is up: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: /health/ready answers 503 now; serving on for {Seconds:0.#} s until the load balancer has taken this instance out")]
    private static partial void LogDraining(ILogger logger, double seconds);
}

public static class ReadinessDrainExtensions
{
    /// <summary>Not ready first, then drain (see <see cref="ReadinessDrain"/>): for processes behind a load balancer.</summary>
    public static IServiceCollection AddReadinessDrain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DrainOptions, DrainOptionsValidator>(configuration, DrainOptions.SectionName);
        services.TryAddSingleton<ReadinessDrain>();
        services.AddHostedService(provider => provider.GetRequiredService<ReadinessDrain>());
        services.AddHealthChecks().AddCheck<ReadinessDrain>(ReadinessDrain.HealthCheckName, HealthStatus.Unhealthy, [HealthCheckTags.Ready]);
        return services;
    }
}
