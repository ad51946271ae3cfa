using EventDriven.Contracts.Messages;
using EventDriven.Workers.Upstreams;
using MassTransit;

namespace EventDriven.Workers.Lookups;

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
        if (string.IsNullOrWhiteSpace(message.Postcode))
        {
            // Only a hand-made message can get here (the saga sends the normalised postcode): answer rather than loop on it.
            await context.Publish(new PostcodeNotFound(message.CorrelationId, message.Postcode ?? string.Empty, "A postcode is required.")).ConfigureAwait(false);
            return;
        }

        // The postcode was parsed and normalised where the request entered (API, saga); postcodes.io judges it again anyway.
        var result = await postcodesIo.GeocodeAsync(message.Postcode, context.CancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case GeocodeResult.Found found:
                await context.Publish(new PostcodeGeocoded(
                    message.CorrelationId, found.Postcode, found.Latitude, found.Longitude, found.Country, found.ForceArea)).ConfigureAwait(false);
                break;
            case GeocodeResult.NotFound notFound:
                await context.Publish(new PostcodeNotFound(message.CorrelationId, message.Postcode, notFound.Reason)).ConfigureAwait(false);
                break;
        }
    }
}
