using System.Globalization;
using System.Text;
using System.Text.Json;
using EventDriven.Contracts;
using EventDriven.Hosting.Bus;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace EventDriven.Hosting.DeadLetters;

/// <summary>
/// Dead letters in RabbitMQ's <c>{queue}_error</c> queues, read and moved with RabbitMQ.Client on a connection of its own
/// (admin work is rare; it does not borrow the bus's channels).
/// </summary>
public sealed class RabbitMqDeadLetterService(RabbitMqOptions options) : IDeadLetterService
{
    /// <summary>Headers MassTransit adds when it dead-letters a message; a replayed message starts clean.</summary>
    private static readonly string[] FaultHeaderPrefixes = ["MT-Fault-", "MT-Reason"];

    public async Task<DeadLetterListing> ListAsync(string? queue = null, int maxPerQueue = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPerQueue);
        var queues = DeadLetterQueues.Select(queue);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        var counts = new List<DeadLetterQueueCount>();
        var entries = new List<DeadLetterEntry>();
        foreach (var name in queues)
        {
            var errorQueue = QueueNames.ErrorQueueOf(name);
            var count = await CountAsync(connection, errorQueue, cancellationToken).ConfigureAwait(false);
            counts.Add(new DeadLetterQueueCount(name, errorQueue, count));
            if (count == 0 || maxPerQueue == 0)
            {
                continue;
            }

            // Fetch without acknowledging, then hand everything back: RabbitMQ puts requeued messages back in their
            // original positions, and if this process dies mid-way the broker requeues them when the channel closes.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            ulong lastTag = 0;
            try
            {
                for (var i = 0; i < Math.Min(count, maxPerQueue); i++)
                {
                    var message = await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken).ConfigureAwait(false);
                    if (message is null)
                    {
                        break;
                    }

                    lastTag = message.DeliveryTag;
                    entries.Add(Describe(name, message));
                }
            }
            finally
            {
                if (lastTag != 0 && channel.IsOpen)
                {
                    await channel.BasicNackAsync(lastTag, multiple: true, requeue: true, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        return new DeadLetterListing(counts, entries);
    }

    public async Task<DeadLetterReplayResult> ReplayAsync(
        DeadLetterReplayRequest request,
        IProgress<DeadLetterReplayProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var queues = DeadLetterQueues.Select(request.Queue);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        var replayed = new List<DeadLetterReplayedQueue>();
        foreach (var name in queues)
        {
            replayed.Add(await ReplayQueueAsync(connection, name, request, progress, cancellationToken).ConfigureAwait(false));
        }

        return new DeadLetterReplayResult(request.DryRun, replayed);
    }

    private static async Task<DeadLetterReplayedQueue> ReplayQueueAsync(
        IConnection connection,
        string queue,
        DeadLetterReplayRequest request,
        IProgress<DeadLetterReplayProgress>? progress,
        CancellationToken cancellationToken)
    {
        var errorQueue = QueueNames.ErrorQueueOf(queue);
        // Bounded by what is there now: a replayed message that faults again comes back later and is not replayed twice.
        var total = (int)Math.Min(await CountAsync(connection, errorQueue, cancellationToken).ConfigureAwait(false), int.MaxValue);
        var ids = new List<string>();
        if (total == 0)
        {
            return new DeadLetterReplayedQueue(queue, 0, ids);
        }

        // Confirms tracked by the client: each publish returns once the broker has the message (or throws).
        var channelOptions = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
        await using var channel = await connection.CreateChannelAsync(channelOptions, cancellationToken).ConfigureAwait(false);
        ulong lastHeld = 0;
        try
        {
            progress?.Report(new DeadLetterReplayProgress(queue, 0, total));
            for (var i = 0; i < total; i++)
            {
                var message = await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken).ConfigureAwait(false);
                if (message is null)
                {
                    break;
                }

                var messageId = MessageIdOf(message);
                if (request.MessageId is not null && !string.Equals(messageId, request.MessageId, StringComparison.OrdinalIgnoreCase))
                {
                    lastHeld = message.DeliveryTag; // not ours: handed back untouched at the end
                    continue;
                }

                if (!request.DryRun)
                {
                    // Publish (confirmed, mandatory so an unroutable queue is an error, not a silent drop), THEN ack.
                    await channel.BasicPublishAsync(
                        exchange: string.Empty,
                        // Crimes go to their replay lane, where live lookups keep the first claim on the police budget.
                        routingKey: QueueNames.ReplayTargetOf(queue),
                        mandatory: true,
                        basicProperties: WithoutFaultHeaders(message.BasicProperties),
                        body: message.Body,
                        cancellationToken: cancellationToken).ConfigureAwait(false);
                    await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    lastHeld = message.DeliveryTag;
                }

                ids.Add(messageId ?? "(no message id)");
                progress?.Report(new DeadLetterReplayProgress(queue, ids.Count, total));
                if (request.MessageId is not null)
                {
                    break;
                }
            }
        }
        catch (PublishException e)
        {
            throw new DeadLettersUnavailableException(
                $"RabbitMQ did not accept a replayed message for '{queue}' (it stays in {errorQueue}): {e.Message}", e);
        }
        finally
        {
            // Messages held back (other ids, dry run) go back where they were; acknowledged ones are gone already.
            if (lastHeld != 0 && channel.IsOpen)
            {
                await channel.BasicNackAsync(lastHeld, multiple: true, requeue: true, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return new DeadLetterReplayedQueue(queue, ids.Count, ids);
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var factory = options.CreateConnectionFactory(TimeSpan.FromSeconds(5));
        try
        {
            return await factory.CreateConnectionAsync("eventdriven-dead-letters", cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerUnreachableException e)
        {
            throw new DeadLettersUnavailableException(
                $"RabbitMQ at {options.Host}:{options.Port} (vhost '{options.VirtualHost}') cannot be reached: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    /// <summary>Messages waiting in an error queue; one that was never created (nothing ever faulted) holds none.</summary>
    private static async Task<long> CountAsync(IConnection connection, string errorQueue, CancellationToken cancellationToken)
    {
        // A passive declare of a missing queue closes its channel, so probe on a channel of its own.
        await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var declared = await probe.QueueDeclarePassiveAsync(errorQueue, cancellationToken).ConfigureAwait(false);
            return declared.MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return 0;
        }
    }

    internal static DeadLetterEntry Describe(string queue, BasicGetResult message)
    {
        var headers = message.BasicProperties.Headers;
        var envelope = ReadEnvelope(message.Body);
        var faultedAt = DateTimeOffset.TryParse(HeaderText(headers, "MT-Fault-Timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : (DateTimeOffset?)null;
        var correlation = Guid.TryParse(message.BasicProperties.CorrelationId, out var fromProperties) ? fromProperties : envelope.CorrelationId;
        return new DeadLetterEntry(
            queue,
            MessageIdOf(message) ?? envelope.MessageId,
            envelope.MessageType,
            correlation,
            HeaderText(headers, "MT-Fault-Message"),
            HeaderText(headers, "MT-Fault-ExceptionType"),
            faultedAt);
    }

    internal static string? MessageIdOf(BasicGetResult message) =>
        !string.IsNullOrEmpty(message.BasicProperties.MessageId) ? message.BasicProperties.MessageId : ReadEnvelope(message.Body).MessageId;

    internal static BasicProperties WithoutFaultHeaders(IReadOnlyBasicProperties original)
    {
        var copy = new BasicProperties(original);
        if (original.Headers is { } headers)
        {
            copy.Headers = headers
                .Where(h => !FaultHeaderPrefixes.Any(prefix => h.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                .ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        }

        return copy;
    }

    /// <summary>AMQP carries string headers as bytes.</summary>
    internal static string? HeaderText(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                null => null,
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            }
            : null;

    /// <summary>
    /// The parts of MassTransit's JSON envelope an operator needs. A body that is not an envelope (a poison message)
    /// is still listed, as "unreadable", rather than failing the whole listing.
    /// </summary>
    internal static EnvelopeSummary ReadEnvelope(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new EnvelopeSummary(null, $"(not a MassTransit envelope: JSON {root.ValueKind})", null);
            }

            string? messageType = null;
            if (root.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() > 0)
            {
                // "urn:message:EventDriven.Contracts.Messages:FetchCrimes" -> "FetchCrimes"; a fault -> "Fault<FetchCrimes>"
                messageType = MessageTypeNames.FromUrn(types[0].GetString() ?? string.Empty);
            }

            var messageId = root.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            Guid? correlation = root.TryGetProperty("correlationId", out var c) && c.ValueKind == JsonValueKind.String && Guid.TryParse(c.GetString(), out var g)
                ? g
                : root.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.Object &&
                  inner.TryGetProperty("correlationId", out var ic) && ic.ValueKind == JsonValueKind.String && Guid.TryParse(ic.GetString(), out var ig)
                    ? ig
                    : null;
            return new EnvelopeSummary(messageId, messageType ?? "(no message type)", correlation);
        }
        catch (JsonException)
        {
            return new EnvelopeSummary(null, $"(unreadable body, {body.Length} bytes)", null);
        }
    }

    internal sealed record EnvelopeSummary(string? MessageId, string? MessageType, Guid? CorrelationId);
}
