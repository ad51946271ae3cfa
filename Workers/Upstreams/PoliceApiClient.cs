using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using EventDriven.Contracts.Results;

namespace EventDriven.Workers.Upstreams;

/// <summary>
/// Typed client of data.police.uk: <c>/crimes-street-dates</c> (cached: it changes monthly) and
/// <c>/crimes-street/all-crime</c> by point (one-mile radius) or custom polygon.
/// </summary>
public sealed class PoliceApiClient(HttpClient http, PoliceMonthCache monthCache, UpstreamFailures failures)
{
    public Task<string> GetLatestMonthAsync(CancellationToken cancellationToken) =>
        monthCache.GetOrFetchAsync(FetchLatestMonthAsync, cancellationToken);

    private async Task<string> FetchLatestMonthAsync(CancellationToken cancellationToken)
    {
        using var response = await UpstreamCall.SendAsync(
            () => http.GetAsync("crimes-street-dates", cancellationToken), failures, UpstreamMetrics.PoliceApi).ConfigureAwait(false);
        EnsureSuccess(response, "crimes-street-dates");
        var months = await response.Content.ReadFromJsonAsync(UpstreamJsonContext.Default.ListPoliceMonth, cancellationToken).ConfigureAwait(false);
        return months?.Select(m => m.Date).Where(IsMonth).Max(StringComparer.Ordinal)
            ?? throw new UpstreamException("data.police.uk listed no months in crimes-street-dates.");
    }

    /// <param name="requestedBy">The client whose lookup this is: the request waits for the shared budget in that client's turn.</param>
    public Task<CrimesAnswer> GetCrimesAroundAsync(double latitude, double longitude, string month, string? requestedBy, CancellationToken cancellationToken) =>
        GetCrimesAsync(string.Create(CultureInfo.InvariantCulture, $"crimes-street/all-crime?lat={latitude:0.######}&lng={longitude:0.######}&date={month}"), requestedBy, cancellationToken);

    /// <param name="requestedBy">The client whose lookup this is (see <see cref="GetCrimesAroundAsync"/>).</param>
    public Task<CrimesAnswer> GetCrimesInPolygonAsync(IReadOnlyList<(double Latitude, double Longitude)> polygon, string month, string? requestedBy, CancellationToken cancellationToken)
    {
        var poly = new StringBuilder();
        foreach (var (lat, lng) in polygon)
        {
            poly.Append(poly.Length == 0 ? string.Empty : ":").Append(CultureInfo.InvariantCulture, $"{lat:0.######},{lng:0.######}");
        }

        return GetCrimesAsync($"crimes-street/all-crime?poly={Uri.EscapeDataString(poly.ToString())}&date={month}", requestedBy, cancellationToken);
    }

    private async Task<CrimesAnswer> GetCrimesAsync(string path, string? requestedBy, CancellationToken cancellationToken)
    {
        using var response = await UpstreamCall.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, path);
                PoliceApiRateLimiter.SetRequestedBy(request, requestedBy);
                return http.SendAsync(request, cancellationToken);
            },
            failures,
            UpstreamMetrics.PoliceApi).ConfigureAwait(false);
        // data.police.uk's documented answer for an area with more than 10,000 crimes.
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            return new CrimesAnswer.TooManyCrimes();
        }

        EnsureSuccess(response, "crimes-street");
        List<PoliceCrime>? crimes;
        try
        {
            crimes = await response.Content.ReadFromJsonAsync(UpstreamJsonContext.Default.ListPoliceCrime, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UpstreamException("data.police.uk answered crimes-street with a body that is not its JSON shape.", e);
        }

        return new CrimesAnswer.Crimes(crimes ?? [], response.Headers.Contains(DataSources.SimulatedHeader));
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new UpstreamException($"data.police.uk answered {(int)response.StatusCode} {response.ReasonPhrase} for {what}.");
        }
    }

    private static bool IsMonth(string? text) =>
        DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}

public abstract record CrimesAnswer
{
    private CrimesAnswer()
    {
    }

    internal sealed record Crimes(IReadOnlyList<PoliceCrime> Items, bool Simulated) : CrimesAnswer;

    /// <summary>503: the area holds more than 10,000 crimes; ask for smaller areas.</summary>
    public sealed record TooManyCrimes : CrimesAnswer;
}
