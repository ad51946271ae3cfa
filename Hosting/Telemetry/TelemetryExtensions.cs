using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EventDriven.Hosting.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>
    /// OpenTelemetry traces and metrics for one lookup's whole path: HTTP request → publish → saga → consumers →
    /// upstream HTTP call (MassTransit propagates the trace context in message headers). Exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, to the console when <c>Telemetry__Console=true</c>.
    /// </summary>
    public static WebApplicationBuilder AddEventDrivenTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var configuration = builder.Configuration;
        var console = configuration.GetValue<bool>("Telemetry:Console");
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(DiagnosticHeaders.DefaultListenerName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation();
                if (console)
                {
                    tracing.AddConsoleExporter();
                }

                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(InstrumentationOptions.MeterName)
                    // Our own meters (lookups, upstreams, persistence) are all named "EventDriven.<area>".
                    .AddMeter("EventDriven.*")
                    // ASP.NET Core, Kestrel and HttpClient publish their own meters on .NET 8+.
                    .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http")
                    // .NET 9+ publishes GC, thread-pool and exception counts on this built-in meter.
                    .AddMeter("System.Runtime");
                if (console)
                {
                    metrics.AddConsoleExporter();
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        // Every consumed message logs inside a scope carrying its correlation id (the lookup id).
        builder.Services.AddSingleton<MassTransit.IConfigureReceiveEndpoint, CorrelationLogScopeConfigurator>();
        // A message that fails for good is one log line (FaultLogObserver), not MassTransit's stack traces per retry and fault.
        builder.Services.AddSingleton<MassTransit.IReceiveObserver, FaultLogObserver>();
        builder.Logging.AddFilter("MassTransit.ReceiveTransport", LogLevel.Critical);
        return builder;
    }
}
