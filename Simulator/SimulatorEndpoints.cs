using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace EventDriven.Simulator;

/// <summary>Serves the simulator on a port (load tests, demos): the upstream paths plus a small control API.</summary>
public static class SimulatorEndpoints
{
    public static IEndpointRouteBuilder MapUpstreamSimulator(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_simulator");
        control.MapGet("/stats", (UpstreamSimulator simulator) => TypedResults.Ok(simulator.Stats.ToJson()));
        control.MapPost("/stats/reset", (UpstreamSimulator simulator) =>
        {
            simulator.Stats.Reset();
            return TypedResults.NoContent();
        });
        control.MapGet("/faults", (UpstreamSimulator simulator) => TypedResults.Ok(simulator.Faults.Current));
        // The police's publication: what /crime-last-updated and /crimes-street-dates answer, and moving it on.
        control.MapGet("/publication", (UpstreamSimulator simulator) => TypedResults.Ok(simulator.Publication.ToJson()));
        control.MapPost("/publication/month", (UpstreamSimulator simulator) =>
        {
            simulator.Publication.PublishMonth();
            return TypedResults.Ok(simulator.Publication.ToJson());
        });
        control.MapPost("/publication/update", (UpstreamSimulator simulator) =>
        {
            simulator.Publication.UpdateData();
            return TypedResults.Ok(simulator.Publication.ToJson());
        });
        control.MapPost("/faults", (FaultSettings settings, UpstreamSimulator simulator) =>
        {
            if (settings.ErrorRate is < 0 or > 1 || settings.Latency < TimeSpan.Zero)
            {
                return Results.Problem(detail: "errorRate must be within 0..1 and latency not negative.", statusCode: 400);
            }

            simulator.Faults.Current = settings;
            return Results.Ok(settings);
        });

        app.MapFallback(async (HttpContext context, UpstreamSimulator simulator) =>
        {
            var query = context.Request.Query.ToDictionary(kv => kv.Key, kv => (string?)kv.Value.ToString(), StringComparer.Ordinal);
            SimulatorResponse answer;
            try
            {
                answer = await simulator.HandleAsync(new SimulatorRequest(context.Request.Method, context.Request.Path.Value ?? "/", query), context.RequestAborted);
            }
            catch (SimulatedOutageException)
            {
                // A dead host: drop the connection instead of answering.
                context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                context.Abort();
                return;
            }

            context.Response.StatusCode = answer.StatusCode;
            context.Response.ContentType = answer.ContentType;
            context.Response.Headers[UpstreamSimulator.SimulatedHeader] = "true";
            foreach (var (name, value) in answer.Headers)
            {
                context.Response.Headers[name] = value;
            }

            await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
        });
        return app;
    }
}
