using System.Collections.Concurrent;
using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Sagas;

namespace EventDriven.Persistence.InMemory;

/// <summary>
/// Accepted lookups of the embedded process (one process is the whole fleet): remembered here until the saga's
/// in-memory instance shows the request, and read back by <see cref="InMemoryLookupStateReader"/>. Bounded: an entry
/// goes once the instance has caught up, after <see cref="Memory"/> at the latest, and beyond
/// <see cref="MaxEntries"/> the oldest go first.
/// </summary>
public sealed class InMemoryAcceptedLookups(TimeProvider time) : IAcceptedLookups
{
    /// <summary>Far longer than the saga takes to see a request, even with a backlog.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromMinutes(10);

    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<Guid, Accepted> _accepted = new();
    private int _recordsSinceTrim;

    /// <remarks>The client is not kept: in one process the API's own count of what it accepted covers the moment before the saga.</remarks>
    public Task RecordAsync(LookupKey key, LookupSnapshot? seen, DateTimeOffset acceptedAt, string? requestedBy, CancellationToken cancellationToken = default)
    {
        if (seen is null || !seen.IsStarted || LookupStatus.IsTerminal(seen.Status))
        {
            _accepted[key.CorrelationId] = new Accepted(key, acceptedAt);
            // Counting a concurrent dictionary takes all its locks: look at the size once in a while, not every time.
            if (Interlocked.Increment(ref _recordsSinceTrim) % 1024 == 0 && _accepted.Count > MaxEntries)
            {
                Trim();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The snapshot a reader should see, given what the saga's repository holds (null: no started instance).</summary>
    internal LookupSnapshot? Overlay(Guid lookupId, LookupSnapshot? stored)
    {
        if (!_accepted.TryGetValue(lookupId, out var accepted))
        {
            return stored;
        }

        if (time.GetUtcNow() - accepted.At > Memory)
        {
            _accepted.TryRemove(KeyValuePair.Create(lookupId, accepted));
            return stored;
        }

        if (stored is null)
        {
            return CrimeLookupState.Accepted(accepted.Key, accepted.At).ToSnapshot();
        }

        if (LookupStatus.IsTerminal(stored.Status) && stored.UpdatedAt < accepted.At)
        {
            return stored with { AcceptedAt = accepted.At };
        }

        // The saga has seen the request: the instance speaks for itself from now on.
        _accepted.TryRemove(KeyValuePair.Create(lookupId, accepted));
        return stored;
    }

    private void Trim()
    {
        foreach (var (id, accepted) in _accepted.OrderBy(e => e.Value.At).Take(_accepted.Count - MaxEntries))
        {
            _accepted.TryRemove(KeyValuePair.Create(id, accepted));
        }
    }

    private sealed record Accepted(LookupKey Key, DateTimeOffset At);
}
