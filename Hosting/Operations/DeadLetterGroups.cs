using EventDriven.Hosting.DeadLetters;

namespace EventDriven.Hosting.Operations;

/// <summary>
/// Dead letters grouped by <see cref="FailureSignature"/>, the way ServicePulse groups failed messages: one outage,
/// one group, whatever queue its messages wait in. Read from the error queues (nothing is taken from them).
/// </summary>
public sealed class DeadLetterGroups(IDeadLetterService deadLetters)
{
    /// <summary>Dead letters read per error queue; beyond this a listing says it is incomplete.</summary>
    public const int MaxPerQueue = 10_000;

    public async Task<DeadLetterGroupListing> ListAsync(CancellationToken cancellationToken = default)
    {
        var listing = await deadLetters.ListAsync(queue: null, MaxPerQueue, cancellationToken).ConfigureAwait(false);
        var groups = listing.Entries
            .GroupBy(FailureSignature.Of)
            .Select(g => new DeadLetterGroup(
                g.Key.Id,
                g.Key.MessageType,
                g.Key.ExceptionType,
                g.Key.StatusClass,
                g.Count(),
                g.Min(e => e.FaultedAt),
                g.Max(e => e.FaultedAt),
                g.GroupBy(e => e.Queue, StringComparer.Ordinal).Select(q => new DeadLetterGroupQueue(q.Key, q.Count())).ToList(),
                g.OrderByDescending(e => e.FaultedAt).First()))
            .OrderByDescending(g => g.Count).ThenByDescending(g => g.LastSeen)
            .ToList();
        var read = listing.Entries.Count;
        return new DeadLetterGroupListing(groups, listing.Total, Complete: read >= listing.Total);
    }

    /// <summary>The group with this id (or signature prefix), or null.</summary>
    public async Task<DeadLetterGroup?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).Groups.FirstOrDefault(g => string.Equals(g.Id, id, StringComparison.OrdinalIgnoreCase));
}

/// <param name="Complete">False when an error queue held more than <see cref="DeadLetterGroups.MaxPerQueue"/> (the counts cover those read).</param>
public sealed record DeadLetterGroupListing(IReadOnlyList<DeadLetterGroup> Groups, long Total, bool Complete);

/// <param name="Id">The signature's id: what <c>replay --group</c> and <c>purge --group</c> take.</param>
/// <param name="StatusClass">One of <see cref="FailureClasses.All"/>.</param>
/// <param name="Example">The newest dead letter of the group.</param>
public sealed record DeadLetterGroup(
    string Id,
    string MessageType,
    string ExceptionType,
    string StatusClass,
    int Count,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    IReadOnlyList<DeadLetterGroupQueue> Queues,
    DeadLetterEntry Example);

public sealed record DeadLetterGroupQueue(string Queue, int Count);
