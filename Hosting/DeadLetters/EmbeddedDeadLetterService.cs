namespace EventDriven.Hosting.DeadLetters;

/// <summary>
/// Embedded mode (in-memory bus): MassTransit's in-memory error queues vanish with the process and cannot be browsed,
/// so there is nothing to list or replay. Says so instead of pretending the list is empty.
/// </summary>
public sealed class EmbeddedDeadLetterService : IDeadLetterService, IDeadLetterSessions
{
    public const string Explanation =
        "Dead letters are only kept by RabbitMQ (Bus__Transport=RabbitMq); in embedded mode (in-memory bus) faults are in the log.";

    public Task<DeadLetterListing> ListAsync(string? queue = null, int maxPerQueue = 100, CancellationToken cancellationToken = default)
    {
        DeadLetterQueues.Select(queue);
        throw new DeadLettersUnavailableException(Explanation);
    }

    public Task<DeadLetterReplayResult> ReplayAsync(DeadLetterReplayRequest request, IProgress<DeadLetterReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        DeadLetterQueues.Select(request.Queue);
        throw new DeadLettersUnavailableException(Explanation);
    }

    public Task<IDeadLetterSession> OpenAsync(CancellationToken cancellationToken = default) =>
        throw new DeadLettersUnavailableException(Explanation);
}
