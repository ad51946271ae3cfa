using EventDriven.Contracts.Results;

namespace EventDriven.Persistence;

/// <summary>Completed results, keyed by lookup key and police data month.</summary>
public interface ILookupResultStore
{
    Task<CrimeLookupResult?> GetAsync(string lookupKey, string month, CancellationToken cancellationToken = default);

    /// <summary>The results of several months of one key in one round trip; a month the store does not hold is left out.</summary>
    Task<IReadOnlyList<CrimeLookupResult>> GetManyAsync(string lookupKey, IReadOnlyCollection<string> months, CancellationToken cancellationToken = default);

    /// <summary>Writes (or overwrites) the result for its key and month: idempotent, so a replayed fetch is harmless.</summary>
    Task PutAsync(CrimeLookupResult result, CancellationToken cancellationToken = default);
}
