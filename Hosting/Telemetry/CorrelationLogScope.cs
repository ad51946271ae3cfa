using MassTransit;
using Microsoft.Extensions.Logging;

namespace EventDriven.Hosting.Telemetry;

/// <summary>Adds the correlation-scope filter to every receive endpoint MassTransit configures.</summary>
internal sealed class CorrelationLogScopeConfigurator(ILoggerFactory loggers) : IConfigureReceiveEndpoint
{
    public void Configure(string name, IReceiveEndpointConfigurator configurator) =>
        configurator.UseFilter(new CorrelationLogScopeFilter(loggers.CreateLogger("EventDriven.Messages")));
}

/// <summary>Opens a logging scope with the message's correlation id (the lookup id) and type around its consumption.</summary>
internal sealed class CorrelationLogScopeFilter(ILogger logger) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["CorrelationId"] = context.CorrelationId,
            ["MessageId"] = context.MessageId,
            ["MessageType"] = context.SupportedMessageTypes.FirstOrDefault(),
        }))
        {
            await next.Send(context).ConfigureAwait(false);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("correlationLogScope");
}
