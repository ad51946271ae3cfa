using System.Collections.Concurrent;
using EventDriven.Contracts.Results;

namespace EventDriven.Persistence.InMemory;

/// <summary>Results for the embedded mode; lost when the process stops.</summary>
public sealed class InMemoryLookupResultStore : ILookupResultStore
{
    private readonly ConcurrentDictionary<(string Key, string Month), CrimeLookupResult> _results = new();

    public Task<CrimeLookupResult?> GetAsync(string lookupKey, string month, CancellationToken cancellationToken = default) =>
        Task.FromResult(_results.GetValueOrDefault((lookupKey, month)));

    public Task<IReadOnlyList<CrimeLookupResult>> GetManyAsync(string lookupKey, IReadOnlyCollection<string> months, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CrimeLookupResult>>(months
            .Select(month => _results.GetValueOrDefault((lookupKey, month)))
            .OfType<CrimeLookupResult>()
            .ToList());

    public Task PutAsync(CrimeLookupResult result, CancellationToken cancellationToken = default)
    {
        _results[(result.LookupKey, result.Month)] = result;
        return Task.CompletedTask;
    }
}
