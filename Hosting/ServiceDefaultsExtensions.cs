using EventDriven.Contracts;
using EventDriven.Contracts.Configuration;
using EventDriven.Hosting.Telemetry;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventDriven.Hosting;

/// <summary>
/// What every EventDriven process has, whatever it runs: telemetry, health checks and endpoints, and a bounded,
/// graceful shutdown. Each program's composition starts with <see cref="AddServiceDefaults"/>.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.AddEventDrivenTelemetry(serviceName);
        builder.Services.AddHealthChecks();
        builder.Services.AddGracefulShutdown(builder.Configuration);
        return builder;
    }

    /// <summary><c>/health/live</c> (process up) and <c>/health/ready</c> (bus and stores reachable).</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthCheckTags.Ready) });
        return app;
    }

    /// <summary>
    /// <c>Workers:ShutdownTimeout</c> (when set; else the host's own <c>shutdownTimeoutSeconds</c>, default 30 s) bounds
    /// the whole stop: the host's shutdown timeout, and within it the time MassTransit lets in-flight consumers finish
    /// before it cancels them (their messages then go back to the queue).
    /// </summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<WorkerOptions, WorkerOptionsValidator>(configuration, WorkerOptions.SectionName);
        var configured = configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>()?.ShutdownTimeout;
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
}
