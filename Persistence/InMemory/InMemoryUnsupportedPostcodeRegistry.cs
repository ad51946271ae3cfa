using System.Collections.Concurrent;

namespace EventDriven.Persistence.InMemory;

/// <summary>
/// The registry for the embedded mode. Merges are atomic per postcode. Held to a number of postcodes by
/// <see cref="InMemoryStoreRetention"/> (least recently seen go first): distinct Scottish postcodes are many.
/// </summary>
public sealed class InMemoryUnsupportedPostcodeRegistry : IUnsupportedPostcodeRegistry
{
    private readonly ConcurrentDictionary<string, UnsupportedPostcodeEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _watermarkLock = new();
    private DateTimeOffset? _watermark;

    public Task RecordAsync(UnsupportedPostcodeEntry observed, CancellationToken cancellationToken = default)
    {
        _entries.AddOrUpdate(observed.Postcode, observed, (_, stored) => Merge(stored, observed));
        return Task.CompletedTask;
    }

    public Task<UnsupportedPostcodeEntry?> GetAsync(string postcode, CancellationToken cancellationToken = default) =>
        Task.FromResult(_entries.GetValueOrDefault(postcode));

    public Task<IReadOnlyList<UnsupportedPostcodeEntry>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<UnsupportedPostcodeEntry>>(_entries.Values.OrderBy(e => e.Postcode, StringComparer.Ordinal).ToList());

    public Task<DateTimeOffset?> GetWatermarkAsync(CancellationToken cancellationToken = default)
    {
        lock (_watermarkLock)
        {
            return Task.FromResult(_watermark);
        }
    }

    public Task SetWatermarkAsync(DateTimeOffset watermark, CancellationToken cancellationToken = default)
    {
        lock (_watermarkLock)
        {
            if (_watermark is null || watermark > _watermark)
            {
                _watermark = watermark;
            }
        }

        return Task.CompletedTask;
    }

    public int Count => _entries.Count;

    /// <summary>Keeps the <paramref name="max"/> most recently seen postcodes; returns how many were dropped.</summary>
    public int TrimTo(int max)
    {
        var surplus = _entries.Count - max;
        if (surplus <= 0)
        {
            return 0;
        }

        var dropped = 0;
        foreach (var entry in _entries.Values.OrderBy(e => e.LastSeen).Take(surplus))
        {
            if (_entries.TryRemove(new KeyValuePair<string, UnsupportedPostcodeEntry>(entry.Postcode, entry)))
            {
                dropped++;
            }
        }

        return dropped;
    }

    internal static UnsupportedPostcodeEntry Merge(UnsupportedPostcodeEntry stored, UnsupportedPostcodeEntry observed) => new(
        stored.Postcode,
        Math.Max(stored.Count, observed.Count),
        observed.FirstSeen < stored.FirstSeen ? observed.FirstSeen : stored.FirstSeen,
        observed.LastSeen > stored.LastSeen ? observed.LastSeen : stored.LastSeen);
}
