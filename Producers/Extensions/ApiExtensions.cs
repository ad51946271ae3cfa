using System.Text.Json.Serialization;
using EventDriven.Consumers;
using EventDriven.Consumers.Bus;
using EventDriven.Consumers.Telemetry;
using EventDriven.Functions;
using EventDriven.Producers.Admin;
using EventDriven.Producers.Apis;
using EventDriven.Producers.Lookups;
using EventDriven.Sagas.Persistence;
using Scalar.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Producers.Extensions;

public static class ApiExtensions
{
    /// <summary>
    /// The API host. With the in-memory bus (the default) it is the whole system in one process: API, saga, workers
    /// and the local scheduler (embedded mode). With RabbitMQ it only publishes; the workers run in Consumers.
    /// </summary>
    public static WebApplicationBuilder AddEventDrivenApi(this WebApplicationBuilder builder)
    {
        var transport = builder.Configuration.GetSection(BusOptions.SectionName).Get<BusOptions>()?.Transport ?? BusTransport.InMemory;
        if (transport == BusTransport.InMemory)
        {
            builder.AddLookupWorkers(BusRole.Embedded);
            // The same EventBridge schedules as cloudformation/functions.yaml, run in-process.
            builder.Services.AddLocalFunctionScheduler(builder.Configuration);
        }
        else
        {
            builder.Services.AddLookupPersistence(builder.Configuration);
            builder.Services.AddLookupBus(builder.Configuration, BusRole.Api);
            builder.AddEventDrivenTelemetry("eventdriven-producers");
            builder.Services.AddHealthChecks();
        }

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddScoped<LookupService>();
        services.AddSingleton<LookupResultSerializer>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ServiceUnavailableExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never);
        services.AddOpenApi();
        services.AddPublicRateLimiting(builder.Configuration);
        services.Configure<AdminOptions>(builder.Configuration.GetSection(AdminOptions.SectionName));
        return builder;
    }

    public static WebApplication MapEventDrivenApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Every error answer is problem+json, including routing's 404 and 405.
        app.UseStatusCodePages();

        app.UseRateLimiter();

        app.MapPostcodeApi().RequireRateLimiting(RateLimitingExtensions.PublicPolicy);
        app.MapCoordinatesApi().RequireRateLimiting(RateLimitingExtensions.PublicPolicy);
        app.MapLookupsApi().RequireRateLimiting(RateLimitingExtensions.PublicPolicy);
        app.MapAdminApi();
        app.MapHealthEndpoints();
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }
}
