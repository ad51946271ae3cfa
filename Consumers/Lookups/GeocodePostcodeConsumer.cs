using EventDriven.Consumers.Upstreams;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;

namespace EventDriven.Consumers.Lookups;

/// <summary>
/// Geocodes a postcode with postcodes.io. A 404 is an answer (<see cref="PostcodeNotFound"/>); an upstream that keeps
/// failing after the HTTP pipeline's retries throws, so MassTransit retries and finally dead-letters the command
/// (the saga marks the lookup Failed from the fault; a replay later completes it).
/// </summary>
public sealed class GeocodePostcodeConsumer(PostcodesIoClient postcodesIo) : IConsumer<GeocodePostcode>
{
    public async Task Consume(ConsumeContext<GeocodePostcode> context)
    {
        var message = context.Message;
        if (!Postcode.TryParse(message.Postcode, out var postcode, out var error))
        {
            // Only a hand-made message can get here (the API validates): answer rather than loop on it.
            await context.Publish(new PostcodeNotFound(message.CorrelationId, message.Postcode, error)).ConfigureAwait(false);
            return;
        }

        var result = await postcodesIo.GeocodeAsync(postcode, context.CancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case GeocodeResult.Found found:
                await context.Publish(new PostcodeGeocoded(message.CorrelationId, found.Postcode, found.Latitude, found.Longitude, found.Country)).ConfigureAwait(false);
                break;
            case GeocodeResult.NotFound notFound:
                await context.Publish(new PostcodeNotFound(message.CorrelationId, postcode.Value, notFound.Reason)).ConfigureAwait(false);
                break;
        }
    }
}
