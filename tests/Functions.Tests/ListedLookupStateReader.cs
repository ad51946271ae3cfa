using EventDriven.Persistence;
using EventDriven.Sagas;

namespace EventDriven.Functions.Tests;

/// <summary>A saga store read side over a list, for tests that are about scheduling rather than the saga.</summary>
public sealed class ListedLookupStateReader : ILookupStateReader
{
    private readonly Lock _lock = new();
    private readonly List<CrimeLookupState> _instances = [];

    public void Add(CrimeLookupState instance)
    {
        lock (_lock)
        {
            _instances.Add(instance);
        }
    }

    public Task<LookupSnapshot?> GetAsync(Guid correlationId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_instances.FirstOrDefault(i => i.CorrelationId == correlationId)?.ToSnapshot());
        }
    }

    public Task<IReadOnlyList<Guid>> ListInFlightAsync(string requestedBy, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Guid>>(_instances.Where(i => i.AttemptRequestedBy == requestedBy).Take(limit).Select(i => i.CorrelationId).ToList());
        }
    }

    public Task<LookupStatePage> ListByStateAsync(string state, int limit, string? pageToken = null, DateTimeOffset? updatedSince = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var matching = _instances.Where(i => i.CurrentState == state && (updatedSince is null || i.UpdatedAt >= updatedSince))
                .OrderByDescending(i => i.UpdatedAt).ToList();
            var skip = pageToken is null ? 0 : int.Parse(pageToken, System.Globalization.CultureInfo.InvariantCulture);
            var page = matching.Skip(skip).Take(limit).Select(i => i.ToSnapshot()).ToList();
            var next = skip + page.Count < matching.Count ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new LookupStatePage(page, next));
        }
    }
}
