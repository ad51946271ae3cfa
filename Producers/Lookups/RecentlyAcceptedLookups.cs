using EventDriven.Contracts.Values;
using Microsoft.Extensions.Caching.Memory;

namespace EventDriven.Producers.Lookups;

/// <summary>A lookup this instance accepted (202): what a poll answers before the saga has seen its request.</summary>
public sealed record AcceptedLookup(LookupKey Key, string Status, DateTimeOffset AcceptedAt);

/// <summary>
/// The lookups this instance accepted in the last <see cref="Memory"/>, so a poll in the moment between the 202 and the
/// saga creating (or restarting) its instance does not answer 404 or the old outcome. Bounded in count as well as in
/// time: every accepted lookup is remembered, so without a count a flood of distinct lookups (many clients, each within
/// its limits) would grow the process by about 0.8 KB per lookup for ten minutes (AbuseBench memory: 60,000 entries
/// more between 30,000 and 90,000 lookups). Past <see cref="Capacity"/> the oldest go first: the saga has long seen
/// those.
/// </summary>
public sealed class RecentlyAcceptedLookups : IDisposable
{
    /// <summary>Entries kept at most (about 15 MB): ten minutes of 33 new lookups a second on this instance.</summary>
    public const int Capacity = 20_000;

    /// <summary>Covers a saga endpoint with a backlog, well past the usual milliseconds.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromMinutes(10);

    private readonly int _capacity;
    private readonly MemoryCache _cache;

    public RecentlyAcceptedLookups()
        : this(Capacity)
    {
    }

    public RecentlyAcceptedLookups(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity });
    }

    public int Count => _cache.Count;

    public void Remember(Guid lookupId, AcceptedLookup accepted)
    {
        if (_cache.Count >= _capacity)
        {
            // A full cache refuses new entries until its background compaction runs; make room now, so the newest
            // lookup (the one about to be polled) is the one remembered. Compact drops the least recently used.
            _cache.Compact(0.1);
        }

        _cache.Set(lookupId, accepted, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Memory, Size = 1 });
    }

    public AcceptedLookup? Find(Guid lookupId) => _cache.TryGetValue(lookupId, out AcceptedLookup? accepted) ? accepted : null;

    public void Dispose() => _cache.Dispose();
}
