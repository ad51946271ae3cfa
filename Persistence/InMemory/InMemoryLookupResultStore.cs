using System.Collections.Concurrent;
using System.Collections.Immutable;
using EventDriven.Contracts.Results;

namespace EventDriven.Persistence.InMemory;

/// <summary>
/// Results for the embedded mode; lost when the process stops. Each result expires <see cref="LookupRetention.Results"/>
/// after it was fetched (as DynamoDB's TTL does), and its estimated size is counted so <see cref="InMemoryStoreRetention"/>
/// can hold the store to <see cref="InMemoryStoreOptions.MaxResultMegabytes"/>.
/// </summary>
public sealed class InMemoryLookupResultStore(TimeProvider time) : ILookupResultStore
{
    /// <summary>Per lookup key, its results by month (a key keeps a few months within the retention).</summary>
    private readonly ConcurrentDictionary<string, ImmutableDictionary<string, Stored>> _results = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>The estimated size of every result held.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public int Keys => _results.Count;

    public Task<CrimeLookupResult?> GetAsync(string lookupKey, string month, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            _results.TryGetValue(lookupKey, out var months) && months.TryGetValue(month, out var stored) && !IsExpired(stored.Result, time.GetUtcNow())
                ? stored.Result
                : null);

    public Task<IReadOnlyList<CrimeLookupResult>> GetManyAsync(string lookupKey, IReadOnlyCollection<string> months, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return Task.FromResult<IReadOnlyList<CrimeLookupResult>>(
            _results.TryGetValue(lookupKey, out var stored)
                ? months
                    .Select(month => stored.TryGetValue(month, out var result) && !IsExpired(result.Result, now) ? result.Result : null)
                    .OfType<CrimeLookupResult>()
                    .ToList()
                : []);
    }

    public Task PutAsync(CrimeLookupResult result, CancellationToken cancellationToken = default)
    {
        var stored = new Stored(result, EstimateBytes(result));
        var replaced = 0L;
        _results.AddOrUpdate(
            result.LookupKey,
            _ => ImmutableDictionary<string, Stored>.Empty.Add(result.Month, stored),
            (_, months) =>
            {
                replaced = months.TryGetValue(result.Month, out var old) ? old.Bytes : 0;
                return months.SetItem(result.Month, stored);
            });
        Interlocked.Add(ref _bytes, stored.Bytes - replaced);
        return Task.CompletedTask;
    }

    /// <summary>Drops every month of a key (its lookup was evicted).</summary>
    public void Remove(string lookupKey)
    {
        if (_results.TryRemove(lookupKey, out var months))
        {
            Interlocked.Add(ref _bytes, -months.Values.Sum(m => m.Bytes));
        }
    }

    /// <summary>Drops the results past their retention at <paramref name="now"/>; returns how many.</summary>
    public int RemoveExpired(DateTimeOffset now)
    {
        var removed = 0;
        foreach (var (key, months) in _results)
        {
            if (!months.Values.Any(m => IsExpired(m.Result, now)))
            {
                continue;
            }

            var kept = months.Where(m => !IsExpired(m.Value.Result, now)).ToImmutableDictionary(StringComparer.Ordinal);
            // Only if no one stored a newer result meanwhile (the dictionary entry is still the one we read).
            if (kept.IsEmpty ? _results.TryRemove(new KeyValuePair<string, ImmutableDictionary<string, Stored>>(key, months)) : _results.TryUpdate(key, kept, months))
            {
                var dropped = months.Count - kept.Count;
                removed += dropped;
                Interlocked.Add(ref _bytes, -months.Values.Where(m => IsExpired(m.Result, now)).Sum(m => m.Bytes));
            }
        }

        return removed;
    }

    /// <summary>
    /// A result's size on the heap, roughly: the record and its dictionary, plus per crime its record, outcome and strings
    /// (UTF-16). Only needs to be proportionate: it is what the size cap counts.
    /// </summary>
    internal static long EstimateBytes(CrimeLookupResult result)
    {
        long bytes = 1024 + (result.ByCategory.Count * 96);
        foreach (var crime in result.Crimes)
        {
            bytes += 160 + (2 * ((crime.PersistentId?.Length ?? 0) + crime.Category.Length + crime.Month.Length + (crime.Street?.Length ?? 0)));
            if (crime.Outcome is { } outcome)
            {
                bytes += 64 + (2 * (outcome.Category.Length + (outcome.Date?.Length ?? 0)));
            }
        }

        return bytes;
    }

    private static bool IsExpired(CrimeLookupResult result, DateTimeOffset now) => now - result.FetchedAt > LookupRetention.Results;

    private sealed record Stored(CrimeLookupResult Result, long Bytes);
}
