using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Persistence.History;
using EventDriven.Persistence.Operations;
using EventDriven.Sagas;
using MassTransit;

namespace EventDriven.Hosting.Operations;

/// <summary>
/// Re-drives a lookup that waits for an answer that will not come: sends again the command its state waits on
/// (<see cref="GeocodePostcode"/> while Geocoding, <see cref="FetchCrimes"/> while FetchingCrimes), built from the stored
/// instance as the saga builds it, or for a Failed lookup asks for a new attempt. The consumers are idempotent, so a
/// command that was only slow is answered twice at worst, and the saga ignores the late answer. Recorded in the lookup's
/// history and the audit trail.
/// </summary>
public sealed class LookupRedriver(ISendEndpointProvider send, IPublishEndpoint publish, ILookupHistory history, IAuditTrail audit, TimeProvider time)
{
    /// <exception cref="RedriveConflictException">The lookup waits for nothing (finished, or never started).</exception>
    public async Task<RedriveResult> RedriveAsync(LookupSnapshot lookup, string who, CancellationToken cancellationToken = default)
    {
        var messageId = NewId.NextGuid();
        var now = time.GetUtcNow();
        string sent, to;
        switch (lookup.Status)
        {
            case LookupStatus.Geocoding when lookup.Postcode is { } postcode:
                to = QueueNames.GeocodePostcode;
                sent = nameof(GeocodePostcode);
                await Send(to, new GeocodePostcode(lookup.LookupId, postcode), messageId, cancellationToken).ConfigureAwait(false);
                break;
            case LookupStatus.FetchingCrimes when lookup is { Latitude: { } latitude, Longitude: { } longitude }:
                to = QueueNames.FetchCrimes;
                sent = nameof(FetchCrimes);
                await Send(to, new FetchCrimes(lookup.LookupId, lookup.LookupKey, latitude, longitude, lookup.Postcode), messageId, cancellationToken).ConfigureAwait(false);
                break;
            case LookupStatus.Failed when lookup.Postcode is { } postcode:
                to = QueueNames.CrimeLookupSaga;
                sent = nameof(PostcodeRequested);
                await publish.Publish(new PostcodeRequested(lookup.LookupId, postcode, now), c => c.MessageId = messageId, cancellationToken).ConfigureAwait(false);
                break;
            case LookupStatus.Failed when lookup is { Latitude: { } latitude, Longitude: { } longitude }:
                to = QueueNames.CrimeLookupSaga;
                sent = nameof(CoordinatesRequested);
                await publish.Publish(new CoordinatesRequested(lookup.LookupId, latitude, longitude, now), c => c.MessageId = messageId, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new RedriveConflictException(
                    $"Lookup {lookup.LookupId} is {lookup.Status}: it is not waiting for an answer, so there is nothing to re-drive.");
        }

        var detail = $"sent {sent} {messageId} to {to}";
        await history.AppendAsync(lookup.LookupId, new OperatorEntry(now, who, AuditActions.Redrive, detail), cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(new AuditRecord(AuditRecord.NewId(now), now, who, AuditActions.Redrive, $"lookup {lookup.LookupId} ({lookup.LookupKey})", 1, detail), cancellationToken)
            .ConfigureAwait(false);
        return new RedriveResult(lookup.LookupId, lookup.Status, sent, messageId, to);
    }

    private async Task Send<T>(string queue, T message, Guid messageId, CancellationToken cancellationToken)
        where T : class
    {
        var endpoint = await send.GetSendEndpoint(new Uri($"queue:{queue}")).ConfigureAwait(false);
        await endpoint.Send(message, c => c.MessageId = messageId, cancellationToken).ConfigureAwait(false);
    }
}

/// <param name="State">The state the lookup was re-driven in.</param>
/// <param name="Sent">The message type sent.</param>
/// <param name="Queue">Where it went.</param>
public sealed record RedriveResult(Guid LookupId, string State, string Sent, Guid MessageId, string Queue);

public sealed class RedriveConflictException(string message) : Exception(message);
