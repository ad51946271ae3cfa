namespace EventDriven.Persistence;

/// <summary>
/// Postcodes asked for that data.police.uk cannot answer (Scotland). Filled by the ScottishPostcodeFunction
/// from the saga's <c>Unsupported</c> instances.
/// </summary>
public interface IUnsupportedPostcodeRegistry
{
    /// <summary>
    /// Merges an observation: count = max(stored, observed), first seen = min, last seen = max.
    /// The merge is idempotent and commutative, so repeated and concurrent runs never double-count.
    /// </summary>
    Task RecordAsync(UnsupportedPostcodeEntry observed, CancellationToken cancellationToken = default);

    Task<UnsupportedPostcodeEntry?> GetAsync(string postcode, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<UnsupportedPostcodeEntry>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>When the last completed run started; the next run reads instances updated since then.</summary>
    Task<DateTimeOffset?> GetWatermarkAsync(CancellationToken cancellationToken = default);

    /// <summary>Moves the watermark forward only (an older value is ignored).</summary>
    Task SetWatermarkAsync(DateTimeOffset watermark, CancellationToken cancellationToken = default);
}

public sealed record UnsupportedPostcodeEntry(string Postcode, long Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
