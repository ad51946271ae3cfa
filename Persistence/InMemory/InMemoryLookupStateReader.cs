using EventDriven.Sagas;
using MassTransit;
using MassTransit.Saga;

namespace EventDriven.Persistence.InMemory;

/// <summary>
/// Reads MassTransit's in-memory saga repository. MassTransit changes an in-memory instance in place while it applies
/// an event, so a snapshot is taken under the instance's own lock: readers never see a half-applied transition
/// (e.g. a new attempt counted but the state not yet moved). Lookups this process accepted that the saga has not seen
/// yet come from <see cref="InMemoryAcceptedLookups"/>.
/// </summary>
public sealed class InMemoryLookupStateReader(IndexedSagaDictionary<CrimeLookupState> sagas, InMemoryAcceptedLookups accepted) : ILookupStateReader
{
    public async Task<LookupSnapshot?> GetAsync(Guid correlationId, CancellationToken cancellationToken = default) =>
        accepted.Overlay(correlationId, await GetStoredAsync(correlationId, cancellationToken).ConfigureAwait(false));

    /// <summary>The saga's instance, or null when there is none or MassTransit created it but never saved it (no key).</summary>
    private async Task<LookupSnapshot?> GetStoredAsync(Guid correlationId, CancellationToken cancellationToken)
    {
        SagaInstance<CrimeLookupState>? instance;
        await sagas.MarkInUse(cancellationToken).ConfigureAwait(false);
        try
        {
            instance = sagas[correlationId];
        }
        finally
        {
            sagas.Release();
        }

        if (instance is null)
        {
            return null;
        }

        await instance.MarkInUse(cancellationToken).ConfigureAwait(false);
        try
        {
            return instance.IsRemoved || string.IsNullOrEmpty(instance.Instance.LookupKey) ? null : instance.Instance.ToSnapshot();
        }
        finally
        {
            instance.Release();
        }
    }

    public async Task<LookupStatePage> ListByStateAsync(
        string state, int limit, string? pageToken = null, DateTimeOffset? updatedSince = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        List<Guid> ids;
        await sagas.MarkInUse(cancellationToken).ConfigureAwait(false);
        try
        {
            ids = sagas.Where(new StateQuery(state)).Select(i => i.Instance.CorrelationId).ToList();
        }
        finally
        {
            sagas.Release();
        }

        var instances = new List<LookupSnapshot>();
        foreach (var id in ids)
        {
            if (await GetStoredAsync(id, cancellationToken).ConfigureAwait(false) is { } instance &&
                instance.Status == state &&
                (updatedSince is null || instance.UpdatedAt >= updatedSince))
            {
                instances.Add(instance);
            }
        }

        // Page token = the number of items already returned; stable enough for an in-process store.
        var skip = 0;
        if (pageToken is not null &&
            !(int.TryParse(pageToken, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out skip) && skip > 0))
        {
            throw new InvalidPageTokenException("The page token is not one this service issued; use the nextPageToken of the previous page.");
        }

        var page = instances
            .OrderByDescending(x => x.UpdatedAt).ThenBy(x => x.LookupId)
            .Skip(skip).Take(limit).ToList();
        var next = skip + page.Count < instances.Count ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new LookupStatePage(page, next);
    }

    /// <summary>
    /// A scan of the instances (the store is capped, <see cref="InMemoryStoreOptions.MaxLookups"/>); the API asks only
    /// before it starts new work for a client.
    /// </summary>
    public Task<IReadOnlyList<Guid>> ListInFlightAsync(string requestedBy, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // The index's copy under its lock; each instance's field is read without its lock (a snapshot of a moment, as
        // the DynamoDB index is).
        var ids = sagas.Where(new RequesterQuery(requestedBy)).Select(i => i.Instance.CorrelationId).Take(limit).ToList();
        return Task.FromResult<IReadOnlyList<Guid>>(ids);
    }

    private sealed class RequesterQuery(string requestedBy) : ISagaQuery<CrimeLookupState>
    {
        public System.Linq.Expressions.Expression<Func<CrimeLookupState, bool>> FilterExpression { get; } = x => x.AttemptRequestedBy == requestedBy;

        public Func<CrimeLookupState, bool> GetFilter() => x => string.Equals(x.AttemptRequestedBy, requestedBy, StringComparison.Ordinal);
    }

    private sealed class StateQuery(string state) : ISagaQuery<CrimeLookupState>
    {
        public System.Linq.Expressions.Expression<Func<CrimeLookupState, bool>> FilterExpression { get; } = x => x.CurrentState == state;

        public Func<CrimeLookupState, bool> GetFilter() => x => x.CurrentState == state;
    }
}
