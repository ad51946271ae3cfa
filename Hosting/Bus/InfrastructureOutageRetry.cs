using EventDriven.Contracts;
using MassTransit;
using RabbitMQ.Client.Exceptions;

namespace EventDriven.Hosting.Bus;

/// <summary>
/// What every receive endpoint does when shared infrastructure is away (the store, the broker): it waits it out instead
/// of dead-lettering. A message that fails because of an outage is tried again with growing pauses (capped at
/// <see cref="LongestPause"/>) for about <see cref="Patience"/>; meanwhile the endpoint's concurrency limit holds further
/// deliveries back, so consuming pauses by itself and resumes when the store or broker answers again. Only an outage
/// longer than that sends messages to <c>{queue}_error</c>, from where they can be replayed.
/// The outermost filter of each endpoint (added before the consumers' own retries, which handle ordinary failures).
/// </summary>
public static class InfrastructureOutageRetry
{
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>Retries: with the pauses capped at 5 s, about ten minutes of outage is waited out.</summary>
    public const int RetryLimit = 120;

    public static TimeSpan Patience => LongestPause * RetryLimit;

    /// <summary>True for the exceptions that mean "a store or the broker is away", not "this message is bad".</summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        InfrastructureUnavailableException => true,
        // The broker went away under a consumer (its outbox could not publish, its channel closed).
        ConnectionException or AlreadyClosedException or BrokerUnreachableException or OperationInterruptedException => true,
        _ => exception.InnerException is { } inner && IsOutage(inner),
    };

    public static void UseInfrastructureOutageRetry(this IReceiveEndpointConfigurator endpoint) =>
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<Exception>(IsOutage);
            r.Exponential(RetryLimit, TimeSpan.FromMilliseconds(500), LongestPause, TimeSpan.FromSeconds(1));
        });
}
