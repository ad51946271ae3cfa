using EventDriven.Sagas;

namespace EventDriven.Persistence;

/// <summary>Read side of the saga store, for the API, operators and functions: immutable snapshots, never live instances.</summary>
public interface ILookupStateReader
{
    Task<LookupSnapshot?> GetAsync(Guid correlationId, CancellationToken cancellationToken = default);

    /// <summary>Instances in <paramref name="state"/>, most recently updated first, optionally only those updated since a time.</summary>
    /// <param name="pageToken">Opaque token from the previous page, or null for the first page.</param>
    Task<LookupStatePage> ListByStateAsync(
        string state,
        int limit,
        string? pageToken = null,
        DateTimeOffset? updatedSince = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The lookups whose attempt under way a client's request started (its <c>RequestedBy</c> tag), as the whole fleet
    /// sees them: at most <paramref name="limit"/> of them. On DynamoDB a sparse index, so a lookup that started a moment
    /// ago may show a moment later.
    /// </summary>
    Task<IReadOnlyList<Guid>> ListInFlightAsync(string requestedBy, int limit, CancellationToken cancellationToken = default);
}

public sealed record LookupStatePage(IReadOnlyList<LookupSnapshot> Items, string? NextPageToken);
