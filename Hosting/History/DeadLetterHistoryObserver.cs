using EventDriven.Contracts;
using EventDriven.Hosting.Telemetry;
using EventDriven.Persistence.History;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace EventDriven.Hosting.History;

/// <summary>
/// Notes in a lookup's history when one of its messages failed for good (after the endpoint's retries) and went to
/// the error queue: which queue, which message, why. The message's correlation id is the lookup id.
/// </summary>
internal sealed partial class DeadLetterHistoryObserver(ILookupHistory history, TimeProvider time, ILogger<DeadLetterHistoryObserver> logger) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public async Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan elapsed, string consumerType, Exception exception)
        where T : class
    {
        if (context.CorrelationId is not { } lookupId)
        {
            return;
        }

        var queue = QueueOf(context.ReceiveContext.InputAddress);
        var entry = new DeadLetteredEntry(
            time.GetUtcNow(), queue, QueueNames.ErrorQueueOf(queue), MessageTypeNames.Of(typeof(T)), context.MessageId, FaultLogObserver.Describe(exception));
        try
        {
            await history.AppendAsync(lookupId, entry, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogNotRecorded(logger, lookupId, e.Message);
        }
    }

    public Task ReceiveFault(ReceiveContext context, Exception exception) => Task.CompletedTask;

    /// <summary>The queue name from an endpoint address (<c>rabbitmq://host/vhost/fetch-crimes</c> → <c>fetch-crimes</c>).</summary>
    internal static string QueueOf(Uri address) => address.AbsolutePath.TrimEnd('/').Split('/')[^1];

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dead-lettering of a message of lookup {LookupId} was not recorded in its history: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, Guid lookupId, string reason);
}
