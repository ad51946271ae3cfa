using EventDriven.Contracts;
using EventDriven.Hosting.Bus;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace EventDriven.Hosting.DeadLetters;

/// <summary>Sessions over RabbitMQ's error queues: one connection and one confirming channel per session.</summary>
public sealed class RabbitMqDeadLetterSessions(RabbitMqOptions options) : IDeadLetterSessions
{
    public async Task<IDeadLetterSession> OpenAsync(CancellationToken cancellationToken = default)
    {
        IConnection connection;
        try
        {
            connection = await options.CreateConnectionFactory(TimeSpan.FromSeconds(5))
                .CreateConnectionAsync("eventdriven-dead-letter-session", cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerUnreachableException e)
        {
            throw new DeadLettersUnavailableException(
                $"RabbitMQ at {options.Host}:{options.Port} (vhost '{options.VirtualHost}') cannot be reached: {e.InnerException?.Message ?? e.Message}", e);
        }

        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
        return new Session(connection, channel);
    }

    private sealed class Session(IConnection connection, IChannel channel) : IDeadLetterSession
    {
        private readonly HashSet<ulong> _held = [];
        private readonly HashSet<string> _exhausted = new(StringComparer.Ordinal);
        private readonly HashSet<string> _existing = new(StringComparer.Ordinal);

        public async Task<HeldDeadLetter?> TakeAsync(string queue, CancellationToken cancellationToken = default)
        {
            DeadLetterQueues.Select(queue);
            var errorQueue = QueueNames.ErrorQueueOf(queue);
            if (_exhausted.Contains(errorQueue))
            {
                return null;
            }

            // A get from a queue that was never created (nothing ever faulted there) would close the session's channel.
            if (_existing.Add(errorQueue) && !await ExistsAsync(errorQueue, cancellationToken).ConfigureAwait(false))
            {
                _existing.Remove(errorQueue);
                _exhausted.Add(errorQueue);
                return null;
            }

            var message = await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                // Everything left is held by this session (or the queue is empty): asking again would only spin.
                _exhausted.Add(errorQueue);
                return null;
            }

            _held.Add(message.DeliveryTag);
            var entry = RabbitMqDeadLetterService.Describe(queue, message);
            var stamp = RabbitMqDeadLetterService.HeaderText(message.BasicProperties.Headers, "MT-Fault-Timestamp") ?? string.Empty;
            return new HeldDeadLetter(entry, stamp) { DeliveryTag = message.DeliveryTag, Raw = message };
        }

        public async Task PublishAsync(HeldDeadLetter letter, string? replayId, CancellationToken cancellationToken = default)
        {
            var message = (BasicGetResult)letter.Raw!;
            var target = QueueNames.ReplayTargetOf(letter.Entry.Queue);
            var properties = RabbitMqDeadLetterService.WithoutFaultHeaders(message.BasicProperties);
            if (replayId is not null)
            {
                properties.Headers ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                properties.Headers[ReplayHeaders.ReplayId] = replayId;
            }

            try
            {
                // Mandatory: a target no consumer has declared yet is an error, not a silent drop.
                await channel.BasicPublishAsync(string.Empty, target, mandatory: true, properties, message.Body, cancellationToken).ConfigureAwait(false);
            }
            catch (PublishException e)
            {
                throw new DeadLettersUnavailableException(
                    $"RabbitMQ did not accept the replay of {letter.Entry.MessageId} to '{target}' (it stays in {QueueNames.ErrorQueueOf(letter.Entry.Queue)}): {e.Message}", e);
            }
        }

        public async Task AckAsync(HeldDeadLetter letter, CancellationToken cancellationToken = default)
        {
            await channel.BasicAckAsync(letter.DeliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
            _held.Remove(letter.DeliveryTag);
        }

        public async Task ReleaseAsync(CancellationToken cancellationToken = default)
        {
            _exhausted.Clear();
            foreach (var tag in _held.Order().ToList())
            {
                if (channel.IsOpen)
                {
                    await channel.BasicNackAsync(tag, multiple: false, requeue: true, cancellationToken).ConfigureAwait(false);
                }

                _held.Remove(tag);
            }
        }

        public async Task<long> WaitingAsync(string queue, CancellationToken cancellationToken = default) =>
            await DeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false) ?? 0;

        private async Task<bool> ExistsAsync(string queue, CancellationToken cancellationToken) =>
            await DeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false) is not null;

        /// <summary>The queue's waiting messages, or null when it does not exist.</summary>
        private async Task<long?> DeclarePassiveAsync(string queue, CancellationToken cancellationToken)
        {
            // A passive declare of a missing queue closes its channel: probe on a channel of its own.
            await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                return (await probe.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false)).MessageCount;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == Constants.NotFound)
            {
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                // Closing the channel would requeue anything still unacknowledged anyway.
                await channel.DisposeAsync().ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
