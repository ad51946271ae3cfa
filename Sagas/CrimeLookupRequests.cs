using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;

namespace EventDriven.Sagas;

/// <summary>
/// How every process asks the lookup saga for a lookup (the API, the stuck sweep, recovery after a restart): the request
/// is sent to the saga's own queue, and sending declares that queue. A request therefore waits in the queue even when
/// no worker has started yet, so processes can start in any order; a publish on a brand-new broker has no queue bound
/// until a worker declares one.
/// </summary>
public static class CrimeLookupRequests
{
    public static readonly Uri SagaQueue = new($"queue:{QueueNames.CrimeLookupSaga}");

    /// <summary>Asks for the lookup of <paramref name="key"/>.</summary>
    /// <param name="months">The police months the request needs (null or empty: the newest).</param>
    /// <param name="policeDataUpdated">The police's last data update the caller judged freshness by (null: unknown).</param>
    /// <param name="requestedBy">The client's tag (null: no client, e.g. a sweep).</param>
    /// <param name="resume">Re-send the command of an attempt under way at once (<see cref="PostcodeRequested.Resume"/>).</param>
    public static async Task SendAsync(
        this ISendEndpointProvider sender, LookupKey key, DateTimeOffset requestedAt, IReadOnlyList<string>? months = null,
        string? policeDataUpdated = null, string? requestedBy = null, bool resume = false, CancellationToken cancellationToken = default)
    {
        var endpoint = await sender.GetSendEndpoint(SagaQueue).ConfigureAwait(false);
        if (key.Postcode is { } postcode)
        {
            await endpoint.Send(new PostcodeRequested(key.CorrelationId, postcode.Value, requestedAt, months, policeDataUpdated, requestedBy, resume), cancellationToken)
                .ConfigureAwait(false);
        }
        else
        {
            var point = key.Coordinates!.Value;
            await endpoint.Send(
                new CoordinatesRequested(key.CorrelationId, point.Latitude, point.Longitude, requestedAt, months, policeDataUpdated, requestedBy, resume),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Asks again for a stored lookup (its key read back from the store); false when the stored key cannot be read.</summary>
    public static async Task<bool> SendAgainAsync(
        this ISendEndpointProvider sender, LookupSnapshot lookup, DateTimeOffset requestedAt, bool resume, CancellationToken cancellationToken)
    {
        if (!Contracts.Values.LookupKey.TryParse(lookup.LookupKey, out var key) || key.CorrelationId != lookup.LookupId)
        {
            return false;
        }

        await sender.SendAsync(key, requestedAt, resume: resume, cancellationToken: cancellationToken).ConfigureAwait(false);
        return true;
    }
}
