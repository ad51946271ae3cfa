using EventDriven.Contracts;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Persistence.History;
using EventDriven.Persistence.Operations;

namespace EventDriven.Hosting.Operations;

/// <summary>
/// Removes dead letters for good (a failure group nobody will ever replay): at most the number the operator
/// confirmed, oldest first, each noted in its lookup's history, the whole in the audit trail.
/// </summary>
public sealed class DeadLetterPurger(IDeadLetterSessions sessions, ILookupHistory history, IAuditTrail audit, TimeProvider time)
{
    public async Task<int> PurgeAsync(ReplaySelection selection, int max, string who, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var purged = 0;
        await using (var session = await sessions.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var queue in DeadLetterQueues.Select(selection.Queue))
            {
                while (purged < max && await session.TakeAsync(queue, cancellationToken).ConfigureAwait(false) is { } letter)
                {
                    if (!selection.Matches(letter.Entry))
                    {
                        continue;
                    }

                    await session.AckAsync(letter, cancellationToken).ConfigureAwait(false);
                    purged++;
                    if (letter.Entry.CorrelationId is { } lookupId)
                    {
                        await history.AppendAsync(lookupId, new OperatorEntry(time.GetUtcNow(), who, AuditActions.Purge,
                            $"{letter.Entry.MessageType} {letter.Entry.MessageId} removed from {QueueNames.ErrorQueueOf(queue)} without replay"), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        var now = time.GetUtcNow();
        await audit.RecordAsync(new AuditRecord(AuditRecord.NewId(now), now, who, AuditActions.Purge, selection.ToString(), purged, $"purged {purged}"), cancellationToken)
            .ConfigureAwait(false);
        return purged;
    }
}
