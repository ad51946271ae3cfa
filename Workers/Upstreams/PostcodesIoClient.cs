using System.Net;
using System.Net.Http.Json;
using EventDriven.Contracts;
using EventDriven.Contracts.Results;
using EventDriven.Contracts.Values;

namespace EventDriven.Workers.Upstreams;

/// <summary>Typed client of postcodes.io's <c>GET /postcodes/{postcode}</c>.</summary>
public sealed class PostcodesIoClient(HttpClient http, UpstreamFailures failures)
{
    /// <summary>postcodes.io's 404 errors that are answers about a postcode; any other 404 is not (e.g. "Resource not found": a wrong route).</summary>
    private static readonly HashSet<string> PostcodeAnswers = new(StringComparer.Ordinal) { "Invalid postcode", "Postcode not found" };

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
            return NotFoundFrom(await ReadEnvelopeAsync(response, cancellationToken).ConfigureAwait(false), response, postcode);
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

        return new GeocodeResult.Found(result.Postcode, result.Latitude, result.Longitude, result.Country, simulated, result.ForceArea);
    }

    /// <summary>
    /// A 404 is an answer about the postcode only when postcodes.io says so ("Invalid postcode", "Postcode not found");
    /// its "Resource not found" means the request missed the API (a wrong base URL or route), which must never be
    /// remembered as "this postcode does not exist".
    /// </summary>
    private static GeocodeResult.NotFound NotFoundFrom(PostcodesIoEnvelope? envelope, HttpResponseMessage response, string postcode)
    {
        if (envelope?.Error is not { } error || !PostcodeAnswers.Contains(error))
        {
            throw new UpstreamException(
                $"postcodes.io answered 404 '{envelope?.Error ?? "(no error text)"}' for {response.RequestMessage?.RequestUri?.AbsolutePath ?? postcode}: " +
                $"not an answer about the postcode (check {ConfigurationKeys.UpstreamsPostcodesIoBaseUrl}).");
        }

        if (envelope.Terminated is { } terminated &&
            (terminated.YearTerminated ?? terminated.Year) is { } year && (terminated.MonthTerminated ?? terminated.Month) is { } month)
        {
            var known = year is >= 1900 and <= 9999 && month is >= 1 and <= 12;
            return new GeocodeResult.NotFound(LookupReasons.Terminated(year, month), known ? new DateOnly(year, month, 1) : null);
        }

        return new GeocodeResult.NotFound(error);
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

    /// <param name="ForceArea">postcodes.io's <c>pfa</c>: the police force area of the postcode, when ONSPD has one.</param>
    public sealed record Found(string Postcode, double? Latitude, double? Longitude, string? Country, bool Simulated, string? ForceArea = null) : GeocodeResult;

    /// <param name="Reason">postcodes.io's words (<c>Invalid postcode</c>, <c>Postcode not found</c>), or for a terminated postcode when it ended.</param>
    /// <param name="TerminatedIn">The month a terminated postcode went out of use.</param>
    public sealed record NotFound(string Reason, DateOnly? TerminatedIn = null) : GeocodeResult;
}
