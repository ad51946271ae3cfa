using EventDriven.Consumers.Bus;
using EventDriven.Consumers.Telemetry;
using EventDriven.Consumers.Upstreams;
using EventDriven.Sagas.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Consumers;

public static class WorkerExtensions
{
    /// <summary>Everything the worker fleet runs: persistence, upstream clients, saga and consumers on the bus.</summary>
    public static WebApplicationBuilder AddLookupWorkers(this WebApplicationBuilder builder, BusRole role = BusRole.Workers)
    {
        builder.Services.AddLookupPersistence(builder.Configuration);
        builder.Services.AddUpstreamClients(builder.Configuration);
        builder.Services.AddLookupBus(builder.Configuration, role);
        builder.AddEventDrivenTelemetry(role == BusRole.Embedded ? "eventdriven" : "eventdriven-consumers");
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary><c>/health/live</c> (process up) and <c>/health/ready</c> (bus and stores reachable).</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }
}
