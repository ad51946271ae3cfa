using MassTransit;
using Microsoft.Extensions.Logging;

namespace EventDriven.Hosting.Telemetry;

/// <summary>
/// One log line per message that failed for good (after the endpoint's retries) and went to <c>&lt;queue&gt;_error</c>:
/// what it was, for which lookup, and why. MassTransit's own R-FAULT entry repeats the exception's stack trace, which
/// for an unreachable upstream is dozens of lines that say nothing new; the dead letter keeps the stack trace in its
/// <c>MT-Fault-StackTrace</c> header for the cases that need it, and this logs it at Debug.
/// </summary>
internal sealed partial class FaultLogObserver(ILogger<FaultLogObserver> logger) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan elapsed, string consumerType, Exception exception)
        where T : class
    {
        LogConsumeFault(logger, typeof(T).Name, context.MessageId, context.CorrelationId, context.ReceiveContext.InputAddress, Describe(exception));
        LogStackTrace(logger, exception);
        return Task.CompletedTask;
    }

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        LogReceiveFault(logger, context.InputAddress, Describe(exception));
        LogStackTrace(logger, exception);
        return Task.CompletedTask;
    }

    /// <summary>The exception's type and message, and its innermost cause's where that says more.</summary>
    internal static string Describe(Exception exception)
    {
        var root = exception;
        while (root.InnerException is { } inner)
        {
            root = inner;
        }

        var outer = $"{exception.GetType().Name}: {exception.Message}";
        return ReferenceEquals(root, exception) || exception.Message.Contains(root.Message, StringComparison.Ordinal)
            ? outer
            : $"{outer} ({root.GetType().Name}: {root.Message})";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{MessageType} {MessageId} (lookup {CorrelationId}) failed after its retries and went to the error queue of {InputAddress}: {Cause}")]
    private static partial void LogConsumeFault(ILogger logger, string messageType, Guid? messageId, Guid? correlationId, Uri inputAddress, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "A message on {InputAddress} could not be received and went to its error queue: {Cause}")]
    private static partial void LogReceiveFault(ILogger logger, Uri inputAddress, string cause);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The fault's exception")]
    private static partial void LogStackTrace(ILogger logger, Exception exception);
}
