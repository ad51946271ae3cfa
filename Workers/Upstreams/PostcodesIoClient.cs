using System.Net;
using System.Net.Http.Json;
using EventDriven.Contracts.Results;
using EventDriven.Contracts.Values;

namespace EventDriven.Workers.Upstreams;

/// <summary>Typed client of postcodes.io's <c>GET /postcodes/{postcode}</c>.</summary>
public sealed class PostcodesIoClient(HttpClient http, UpstreamFailures failures)
{
    public Task<GeocodeResult> GeocodeAsync(Postcode postcode, CancellationToken cancellationToken) =>
        GeocodeAsync(postcode.Value, cancellationToken);

    /// <param name="postcode">A postcode as the saga keeps it (normalised by the API and the saga; not parsed again here).</param>
    public async Task<GeocodeResult> GeocodeAsync(string postcode, CancellationToken cancellationToken)
    {
        var compact = postcode.Replace(" ", string.Empty, StringComparison.Ordinal);
        using var response = await UpstreamCall.SendAsync(
            () => http.GetAsync($"postcodes/{Uri.EscapeDataString(compact)}", cancellationToken), failures, UpstreamMetrics.PostcodesIo).ConfigureAwait(false);
        var simulated = response.Headers.Contains(DataSources.SimulatedHeader);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var error = await ReadEnvelopeAsync(response, cancellationToken).ConfigureAwait(false);
            return new GeocodeResult.NotFound(error?.Error ?? "Postcode not found");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new UpstreamException($"postcodes.io answered {(int)response.StatusCode} {response.ReasonPhrase} for {postcode}.");
        }

        var envelope = await ReadEnvelopeAsync(response, cancellationToken).ConfigureAwait(false);
        if (envelope?.Result is not { } result)
        {
            throw new UpstreamException($"postcodes.io answered 200 without a result for {postcode}.");
        }

        return new GeocodeResult.Found(result.Postcode, result.Latitude, result.Longitude, result.Country, simulated);
    }

    private static async Task<PostcodesIoEnvelope?> ReadEnvelopeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(UpstreamJsonContext.Default.PostcodesIoEnvelope, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UpstreamException($"postcodes.io answered {(int)response.StatusCode} with a body that is not its JSON shape.", e);
        }
    }
}

public abstract record GeocodeResult
{
    private GeocodeResult()
    {
    }

    public sealed record Found(string Postcode, double? Latitude, double? Longitude, string? Country, bool Simulated) : GeocodeResult;

    /// <param name="Reason">postcodes.io's words: <c>Invalid postcode</c> or <c>Postcode not found</c>.</param>
    public sealed record NotFound(string Reason) : GeocodeResult;
}
