using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using EventDriven.Contracts.Police;
using EventDriven.Contracts.Results;

namespace EventDriven.Workers.Upstreams;

/// <summary>
/// Typed client of data.police.uk: what it has published (<c>/crime-last-updated</c>, <c>/crimes-street-dates</c>,
/// <c>/crime-categories</c>: asked by one process per check interval for the whole fleet, see
/// <see cref="Publication.PolicePublications"/>) and <c>/crimes-street/all-crime</c> by point (one-mile radius) or custom polygon.
/// Every call spends the fleet's budget.
/// </summary>
public sealed class PoliceApiClient(HttpClient http, UpstreamFailures failures)
{
    /// <summary><c>/crime-last-updated</c>: <c>{"date":"2026-10-01"}</c>; the date as the police wrote it.</summary>
    public async Task<string> GetCrimeLastUpdatedAsync(CancellationToken cancellationToken)
    {
        var answer = await GetJsonAsync("crime-last-updated", UpstreamJsonContext.Default.PoliceLastUpdated, cancellationToken).ConfigureAwait(false);
        return answer?.Date is { Length: > 0 } date
            ? date
            : throw new UpstreamException("data.police.uk answered crime-last-updated without a date.");
    }

    /// <summary><c>/crimes-street-dates</c>: the months with street crimes, newest first.</summary>
    public async Task<IReadOnlyList<string>> GetMonthsAsync(CancellationToken cancellationToken)
    {
        var months = await GetJsonAsync("crimes-street-dates", UpstreamJsonContext.Default.ListPoliceMonth, cancellationToken).ConfigureAwait(false);
        var listed = (months ?? []).Select(m => m.Date).Where(IsMonth).Distinct(StringComparer.Ordinal).OrderDescending(StringComparer.Ordinal).ToList();
        return listed.Count > 0 ? listed : throw new UpstreamException("data.police.uk listed no months in crimes-street-dates.");
    }

    /// <summary><c>/crime-categories?date=</c>: the category slugs crimes of that month can carry, with their names.</summary>
    public async Task<IReadOnlyList<CrimeCategory>> GetCategoriesAsync(string month, CancellationToken cancellationToken)
    {
        var categories = await GetJsonAsync($"crime-categories?date={Uri.EscapeDataString(month)}", UpstreamJsonContext.Default.ListPoliceCategory, cancellationToken).ConfigureAwait(false);
        var listed = (categories ?? [])
            .Where(c => !string.IsNullOrWhiteSpace(c.Url))
            .Select(c => new CrimeCategory(c.Url!, string.IsNullOrWhiteSpace(c.Name) ? c.Url! : c.Name))
            .ToList();
        return listed.Count > 0 ? listed : throw new UpstreamException($"data.police.uk listed no crime categories for {month}.");
    }

    private async Task<T?> GetJsonAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await UpstreamCall.SendAsync(() => http.GetAsync(path, cancellationToken), failures, UpstreamMetrics.PoliceApi).ConfigureAwait(false);
        var what = path.Split('?')[0];
        EnsureSuccess(response, what);
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UpstreamException($"data.police.uk answered {what} with a body that is not its JSON shape.", e);
        }
    }

    /// <param name="requestedBy">The client whose lookup this is: the request waits for the shared budget in that client's turn.</param>
    /// <param name="lane">Live, or a replay: a replayed request takes only the budget live requests leave (<see cref="PoliceApiRateLimiter"/>).</param>
    public Task<CrimesAnswer> GetCrimesAroundAsync(
        double latitude, double longitude, string month, string? requestedBy, PoliceBudgetLane lane, CancellationToken cancellationToken) =>
        GetCrimesAsync(string.Create(CultureInfo.InvariantCulture, $"crimes-street/all-crime?lat={latitude:0.######}&lng={longitude:0.######}&date={month}"), requestedBy, lane, cancellationToken);

    /// <param name="requestedBy">The client whose lookup this is (see <see cref="GetCrimesAroundAsync"/>).</param>
    /// <param name="lane">Live or a replay (see <see cref="GetCrimesAroundAsync"/>).</param>
    public Task<CrimesAnswer> GetCrimesInPolygonAsync(
        IReadOnlyList<(double Latitude, double Longitude)> polygon, string month, string? requestedBy, PoliceBudgetLane lane, CancellationToken cancellationToken)
    {
        var poly = new StringBuilder();
        foreach (var (lat, lng) in polygon)
        {
            poly.Append(poly.Length == 0 ? string.Empty : ":").Append(CultureInfo.InvariantCulture, $"{lat:0.######},{lng:0.######}");
        }

        return GetCrimesAsync($"crimes-street/all-crime?poly={Uri.EscapeDataString(poly.ToString())}&date={month}", requestedBy, lane, cancellationToken);
    }

    private async Task<CrimesAnswer> GetCrimesAsync(string path, string? requestedBy, PoliceBudgetLane lane, CancellationToken cancellationToken)
    {
        using var response = await UpstreamCall.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, path);
                PoliceApiRateLimiter.SetRequestedBy(request, requestedBy, lane);
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
