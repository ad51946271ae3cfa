namespace EventDriven.Persistence.History;

/// <summary>
/// Every lookup's history: in memory in embedded mode, in the shared store (DynamoDB table <c>lookup-history</c>) in
/// distributed mode, so any API instance or the CLI reads the same. Bounded per lookup (<see cref="LookupHistoryLimits"/>):
/// the newest entries are kept. Transitions are written with the saga's own save (see <see cref="ISagaTransitionSink"/>);
/// everything else through <see cref="AppendAsync"/>.
/// </summary>
public interface ILookupHistory
{
    /// <summary>Adds one entry. Concurrent appends for one lookup all land (none overwrites another).</summary>
    Task AppendAsync(Guid lookupId, LookupHistoryEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The lookup's entries, oldest first (empty when it has none).</summary>
    Task<IReadOnlyList<LookupHistoryEntry>> ReadAsync(Guid lookupId, CancellationToken cancellationToken = default);
}

/// <summary>How much history a lookup keeps, and for how long.</summary>
public static class LookupHistoryLimits
{
    /// <summary>The newest transitions kept per lookup: an attempt makes two or three, so this is dozens of attempts.</summary>
    public const int Transitions = 100;

    /// <summary>The newest other entries kept per lookup (upstream attempts, dead letters, replays, operator actions).</summary>
    public const int OtherEntries = 200;

    /// <summary>
    /// How long an entry is kept after it was written: as long as the longest-kept lookup (Completed and NotFound are kept
    /// 100 days after their last change; see <c>CrimeLookupStateItemMapper.RetentionFor</c>). Readers show only the entries
    /// of the lookup's current life (see <see cref="BelongsTo"/>), so a lookup that expired and came back starts clean.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(100);

    /// <summary>Clocks of different hosts disagree a little: an entry this much older than the lookup's creation still counts.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(1);

    /// <summary>Whether an entry belongs to the life of a lookup created at <paramref name="createdAt"/> (not to an earlier, expired one with the same id).</summary>
    public static bool BelongsTo(LookupHistoryEntry entry, DateTimeOffset createdAt) => entry.At >= createdAt - ClockTolerance;
}

/// <summary>Chronological order of entries from different writers: time first, then transitions by version.</summary>
public static class LookupHistoryOrder
{
    public static IReadOnlyList<LookupHistoryEntry> Chronological(IEnumerable<LookupHistoryEntry> entries) =>
        entries
            .OrderBy(e => e.At)
            .ThenBy(e => e is TransitionEntry t ? t.Version : int.MaxValue)
            .ToList();
}
