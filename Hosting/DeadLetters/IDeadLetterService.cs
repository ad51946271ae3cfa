namespace EventDriven.Hosting.DeadLetters;

/// <summary>
/// Dead letters (docs/architecture.md, "Dead letters"): messages MassTransit moved to <c>{queue}_error</c> after its retries. Operators list them
/// and replay them to their original queue. Used by the admin API and the operator CLI.
/// </summary>
public interface IDeadLetterService
{
    /// <summary>
    /// Counts per error queue and up to <paramref name="maxPerQueue"/> entries of each, oldest first. Reading leaves every
    /// message where it was (fetched unacknowledged, then returned), so listing never loses or reorders messages.
    /// </summary>
    /// <param name="queue">One of <see cref="Contracts.QueueNames.All"/> (its error queue is read); null for all.</param>
    /// <exception cref="ArgumentException">The queue is not one of ours.</exception>
    /// <exception cref="DeadLettersUnavailableException">Embedded mode, or the broker cannot be reached.</exception>
    Task<DeadLetterListing> ListAsync(string? queue = null, int maxPerQueue = 100, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves dead letters back to their original queue: each is published with a broker confirm first and only then
    /// acknowledged on the error queue, so a crash in between leaves a duplicate at worst (consumers and saga are
    /// idempotent), never a loss. Message id, correlation id and other headers are kept; the fault headers go.
    /// </summary>
    /// <exception cref="ArgumentException">The queue is not one of ours.</exception>
    /// <exception cref="DeadLettersUnavailableException">Embedded mode, or the broker cannot be reached.</exception>
    Task<DeadLetterReplayResult> ReplayAsync(
        DeadLetterReplayRequest request,
        IProgress<DeadLetterReplayProgress>? progress = null,
        CancellationToken cancellationToken = default);
}

/// <param name="Queues">Every error queue looked at, with its message count (also when empty).</param>
/// <param name="Entries">The messages read, per queue oldest first.</param>
public sealed record DeadLetterListing(IReadOnlyList<DeadLetterQueueCount> Queues, IReadOnlyList<DeadLetterEntry> Entries)
{
    public long Total => Queues.Sum(q => q.Count);
}

/// <param name="Queue">The original queue, e.g. <c>geocode-postcode</c>.</param>
/// <param name="ErrorQueue">Where its dead letters wait, e.g. <c>geocode-postcode_error</c>.</param>
public sealed record DeadLetterQueueCount(string Queue, string ErrorQueue, long Count);

/// <param name="MessageType">The message type from MassTransit's envelope (e.g. <c>FetchCrimes</c>), or a note when the body is unreadable.</param>
/// <param name="FaultReason">The exception message MassTransit recorded (header <c>MT-Fault-Message</c>).</param>
/// <param name="FaultExceptionType">The exception type (header <c>MT-Fault-ExceptionType</c>).</param>
/// <param name="FaultedAt">When it faulted (header <c>MT-Fault-Timestamp</c>).</param>
public sealed record DeadLetterEntry(
    string Queue,
    string? MessageId,
    string? MessageType,
    Guid? CorrelationId,
    string? FaultReason,
    string? FaultExceptionType,
    DateTimeOffset? FaultedAt);

/// <param name="Queue">Replay only this queue's dead letters; null for every queue.</param>
/// <param name="MessageId">Replay only this message; null for all.</param>
/// <param name="DryRun">Count what would be replayed and leave everything in place.</param>
public sealed record DeadLetterReplayRequest(string? Queue = null, string? MessageId = null, bool DryRun = false);

/// <param name="Done">Messages of this queue replayed (or, in a dry run, matched) so far.</param>
/// <param name="Total">Messages in this queue's error queue when the replay began (an upper bound for <paramref name="Done"/>).</param>
public sealed record DeadLetterReplayProgress(string Queue, int Done, int Total);

public sealed record DeadLetterReplayResult(bool DryRun, IReadOnlyList<DeadLetterReplayedQueue> Queues)
{
    public int Replayed => Queues.Sum(q => q.Replayed);
}

/// <param name="Replayed">Moved back to <paramref name="Queue"/> (dry run: would be).</param>
/// <param name="MessageIds">The ids moved (dry run: would be), in order.</param>
public sealed record DeadLetterReplayedQueue(string Queue, int Replayed, IReadOnlyList<string> MessageIds);

/// <summary>Dead letters cannot be read: embedded mode keeps none, or the broker is unreachable. The message says which.</summary>
public sealed class DeadLettersUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
