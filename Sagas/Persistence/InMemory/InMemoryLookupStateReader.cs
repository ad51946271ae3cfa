using MassTransit;

namespace EventDriven.Sagas.Persistence.InMemory;

/// <summary>Reads MassTransit's in-memory saga repository, handing out snapshots.</summary>
public sealed class InMemoryLookupStateReader(
    ILoadSagaRepository<CrimeLookupState> loader,
    IQuerySagaRepository<CrimeLookupState> query) : ILookupStateReader
{
    public async Task<CrimeLookupState?> GetAsync(Guid correlationId, CancellationToken cancellationToken = default) =>
        (await loader.Load(correlationId).ConfigureAwait(false))?.Snapshot();

    public async Task<LookupStatePage> ListByStateAsync(
        string state, int limit, string? pageToken = null, DateTimeOffset? updatedSince = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var ids = await query.Find(new StateQuery(state)).ConfigureAwait(false);
        var instances = new List<CrimeLookupState>();
        foreach (var id in ids)
        {
            if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is { } instance &&
                instance.CurrentState == state &&
                (updatedSince is null || instance.UpdatedAt >= updatedSince))
            {
                instances.Add(instance);
            }
        }

        // Page token = the number of items already returned; stable enough for an in-process store.
        var skip = int.TryParse(pageToken, out var s) && s > 0 ? s : 0;
        var page = instances
            .OrderByDescending(x => x.UpdatedAt).ThenBy(x => x.CorrelationId)
            .Skip(skip).Take(limit).ToList();
        var next = skip + page.Count < instances.Count ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new LookupStatePage(page, next);
    }

    private sealed class StateQuery(string state) : ISagaQuery<CrimeLookupState>
    {
        public System.Linq.Expressions.Expression<Func<CrimeLookupState, bool>> FilterExpression { get; } = x => x.CurrentState == state;

        public Func<CrimeLookupState, bool> GetFilter() => x => x.CurrentState == state;
    }
}
