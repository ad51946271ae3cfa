using EventDriven.Contracts.Police;

namespace EventDriven.Persistence;

/// <summary>
/// The one record of what data.police.uk has published (<see cref="PolicePublication"/>), shared by the fleet: every
/// API instance and worker judges freshness by it, and one process at a time refreshes it (see <see cref="TryClaimCheckAsync"/>).
/// </summary>
public interface IPolicePublicationStore
{
    /// <summary>
    /// The publication as last stored, or null before any process has checked. A per-process copy at most
    /// <see cref="ReadCacheFor"/> old on a shared store, so the hot path costs no store read; in memory it is the record itself.
    /// </summary>
    ValueTask<PolicePublication?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the next check for the calling process: true when nobody claimed one after <paramref name="unlessClaimedAfter"/>
    /// (then the claim is recorded at <paramref name="now"/>), false when another process did. One conditional write: two
    /// processes never both win.
    /// </summary>
    Task<bool> TryClaimCheckAsync(DateTimeOffset now, DateTimeOffset unlessClaimedAfter, CancellationToken cancellationToken = default);

    /// <summary>Stores the publication (leaving the claim as it is).</summary>
    Task SaveAsync(PolicePublication publication, CancellationToken cancellationToken = default);

    /// <summary>How old a per-process copy of a shared record may be: a publication reaches every instance within this.</summary>
    public static readonly TimeSpan ReadCacheFor = TimeSpan.FromSeconds(5);
}
