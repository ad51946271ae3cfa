using System.Text.Json.Serialization;
using EventDriven.Contracts.Configuration;
using EventDriven.Functions.LocalScheduler;
using EventDriven.Hosting;
using EventDriven.Hosting.Bus;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Hosting.Operations;
using EventDriven.Persistence;
using EventDriven.Producers.Admin;
using EventDriven.Producers.Apis;
using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;
using EventDriven.Producers.Pages;
using EventDriven.Sagas;
using EventDriven.Simulator;
using EventDriven.Workers;
using EventDriven.Workers.Upstreams;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Producers;

/// <summary>
/// What a Producers process runs. With the in-memory bus (the default) it is the whole system in one process, the
/// embedded mode: the API, the lookup workers and the local scheduler of the scheduled functions, and with
/// <c>Upstreams__Simulate=true</c> the upstream simulator under the workers (the offline demo). With RabbitMQ it is the
/// API alone: it publishes lookups, and the workers run in Consumers processes.
/// </summary>
public static class ProducersProcess
{
    public const string EmbeddedServiceName = "eventdriven";
    public const string ApiServiceName = "eventdriven-producers";

    public static WebApplicationBuilder AddProducersProcess(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var role = RoleOf(configuration);

        builder.AddServiceDefaults(role == BusRole.Embedded ? EmbeddedServiceName : ApiServiceName);
        services.AddLookupPersistence(configuration);
        services.AddDeadLetters(configuration);
        if (role == BusRole.Embedded)
        {
            services.AddLookupWorkers(configuration, role, OfflineDemoUpstreams(services, configuration));
            // The same EventBridge schedules as cloudformation/functions.yaml, run in-process.
            services.AddLocalFunctionScheduler(configuration);
            services.AddLookupBus(configuration, role, bus => bus.AddLookupReceivers(configuration));
        }
        else
        {
            services.AddLookupBus(configuration, role);
            // Replays started through the admin API are driven by one of the API processes (lease in the store).
            services.AddReplayDriving();
        }

        services.AddOperations();
        builder.AddLookupApi();
        return builder;
    }

    /// <summary>The public and admin HTTP API.</summary>
    public static WebApplicationBuilder AddLookupApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddLookupOptions(builder.Configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<LookupService>();
        services.AddSingleton<ClientLookupBudget>();
        services.AddSingleton<LookupResultSerializer>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ServiceUnavailableExceptionHandler>();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // A value that does not bind is a 400 problem+json in every environment (Development would otherwise throw).
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never);
        services.AddApiDocumentation(builder.Configuration);
        services.AddTrustedProxies(builder.Configuration);
        // JSON answers compressed when the client asks (a cache hit is tens of kB of JSON). Enabled for HTTPS too: the
        // bodies are public crime data and never reflect a secret, so BREACH has nothing to recover.
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Append("application/problem+json");
        });
        services.AddPublicRateLimiting(builder.Configuration);
        services.AddValidatedOptions<AdminOptions, AdminOptionsValidator>(builder.Configuration, AdminOptions.SectionName);
        // Behind a load balancer: on SIGTERM not ready first, then drain.
        services.AddReadinessDrain(builder.Configuration);
        services.AddAdminKeyAuthentication(builder.Configuration);
        return builder;
    }

    public static WebApplication MapLookupApi(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseExceptionHandler();
        // Every error answer is problem+json, including routing's 404 and 405.
        app.UseStatusCodePages();
        // The web pages (wwwroot): existing files only, so the API's paths and its 404s stay as they are.
        app.UseWebPages();

        app.UseRouting();
        app.UseRateLimiter();
        app.UseResponseCompression();
        // Only /admin/* asks for authorisation (its key), before its parameters are bound.
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapPostcodeApi().RequireRateLimiting(RateLimitingExtensions.PublicPolicy).AnswerHeadLikeGet();
        app.MapCoordinatesApi().RequireRateLimiting(RateLimitingExtensions.PublicPolicy).AnswerHeadLikeGet();
        app.MapLookupsApi().RequireRateLimiting(RateLimitingExtensions.PublicPolicy).AnswerHeadLikeGet();
        app.MapAdminApi().AnswerHeadLikeGet();
        app.MapHealthEndpoints();
        app.MapApiDocumentation();
        return app;
    }

    /// <summary>Embedded when the bus is in memory (everything must then live in this process); otherwise the API alone.</summary>
    public static BusRole RoleOf(IConfiguration configuration) =>
        (configuration.GetSection(BusOptions.SectionName).Get<BusOptions>()?.Transport ?? BusTransport.InMemory) == BusTransport.InMemory
            ? BusRole.Embedded
            : BusRole.Api;

    /// <summary>The offline demo (<c>Upstreams__Simulate=true</c>): the simulator answers in place of postcodes.io and data.police.uk.</summary>
    private static Func<IServiceProvider, HttpMessageHandler>? OfflineDemoUpstreams(IServiceCollection services, IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>($"{UpstreamOptions.SectionName}:{nameof(UpstreamOptions.Simulate)}"))
        {
            return null;
        }

        services.AddUpstreamSimulator(configuration);
        return SimulatorServiceCollectionExtensions.CreateMessageHandler;
    }
}
