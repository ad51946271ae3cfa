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

    /// <summary>
    /// How many lookups are in <paramref name="state"/> now (operators' live counts). This default pages through
    /// <see cref="ListByStateAsync"/>; a store that can count without reading the items says so by implementing it.
    /// </summary>
    async Task<long> CountByStateAsync(string state, CancellationToken cancellationToken = default)
    {
        long count = 0;
        string? pageToken = null;
        do
        {
            var page = await ListByStateAsync(state, 1000, pageToken, cancellationToken: cancellationToken).ConfigureAwait(false);
            count += page.Items.Count;
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);

        return count;
    }
}

public sealed record LookupStatePage(IReadOnlyList<LookupSnapshot> Items, string? NextPageToken);
