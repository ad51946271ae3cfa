using EventDriven.Contracts.Values;
using EventDriven.Sagas;

namespace EventDriven.Persistence;

/// <summary>
/// Where the API records that it accepted a lookup (answered 202) before any saga has seen the request, so that a poll
/// answered by any API instance, the very next moment, finds it (<see cref="LookupSnapshot.IsAwaitingSaga"/>): on
/// DynamoDB the shared saga table itself (no sticky sessions needed); in memory this process, which in embedded mode
/// is the whole fleet.
/// </summary>
public interface IAcceptedLookups
{
    /// <summary>Records an accepted request whose message has been handed to the bus.</summary>
    /// <param name="seen">What the API read before accepting: null for a new lookup, or the finished lookup that the
    /// request starts a new attempt of. A lookup with an attempt under way needs no record.</param>
    /// <param name="requestedBy">The client's tag. A new lookup is recorded with it, so every instance counts it among
    /// the client's lookups in flight at once rather than when the saga starts it.</param>
    Task RecordAsync(LookupKey key, LookupSnapshot? seen, DateTimeOffset acceptedAt, string? requestedBy, CancellationToken cancellationToken = default);
}
