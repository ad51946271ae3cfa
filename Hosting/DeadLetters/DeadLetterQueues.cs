using EventDriven.Contracts;

namespace EventDriven.Hosting.DeadLetters;

internal static class DeadLetterQueues
{
    /// <summary>The queues a request covers: the one named (checked against <see cref="QueueNames.All"/>), or all.</summary>
    public static IReadOnlyList<string> Select(string? queue)
    {
        if (queue is null)
        {
            return QueueNames.All;
        }

        // Accept the error queue's own name too, it is what operators see in the broker's UI.
        var name = queue.EndsWith(QueueNames.ErrorSuffix, StringComparison.Ordinal) ? queue[..^QueueNames.ErrorSuffix.Length] : queue;
        if (!QueueNames.All.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"'{queue}' is not one of the lookup queues ({string.Join(", ", QueueNames.All)}).", nameof(queue));
        }

        return [name];
    }
}
