using MassTransit;

namespace EventDriven.Workers.History;

/// <summary>
/// The lookup whose message this async flow is consuming, for code that has no consume context (the upstream clients'
/// HTTP handlers). Set by <see cref="CurrentLookupFilter"/> around every consumed message; null elsewhere.
/// </summary>
public static class CurrentLookup
{
    private static readonly AsyncLocal<MessageOfLookup?> Current = new();

    public static MessageOfLookup? Value => Current.Value;

    /// <summary>Makes <paramref name="message"/> current until the returned scope is disposed.</summary>
    public static IDisposable Begin(MessageOfLookup? message)
    {
        var previous = Current.Value;
        Current.Value = message;
        return new Scope(previous);
    }

    private sealed class Scope(MessageOfLookup? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}

/// <param name="LookupId">The message's correlation id, which is the lookup's id for every message of the lookup pipeline.</param>
public sealed record MessageOfLookup(Guid LookupId, Guid? MessageId);

/// <summary>Sets <see cref="CurrentLookup"/> from the consumed message's correlation id.</summary>
internal sealed class CurrentLookupFilter : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        using (CurrentLookup.Begin(context.CorrelationId is { } id ? new MessageOfLookup(id, context.MessageId) : null))
        {
            await next.Send(context).ConfigureAwait(false);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("currentLookup");
}

/// <summary>Adds <see cref="CurrentLookupFilter"/> to every receive endpoint of the process.</summary>
internal sealed class CurrentLookupConfigurator : IConfigureReceiveEndpoint
{
    public void Configure(string name, IReceiveEndpointConfigurator configurator) => configurator.UseFilter(new CurrentLookupFilter());
}
