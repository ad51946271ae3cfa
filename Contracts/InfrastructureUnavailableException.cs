namespace EventDriven.Contracts;

/// <summary>
/// Shared infrastructure (a store, the broker) cannot be reached right now: the operation may succeed unchanged once it
/// is back. Message endpoints wait such outages out in one place, their outermost retry (Hosting's
/// <c>InfrastructureOutageRetry</c>); the retries of a saga or consumer definition, which handle a message's own
/// failures, leave these exceptions alone — in MassTransit an inner retry that handles an exception and gives up stops
/// every outer retry from trying it again, so the message would be dead-lettered after the inner retry's few seconds.
/// </summary>
public abstract class InfrastructureUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
