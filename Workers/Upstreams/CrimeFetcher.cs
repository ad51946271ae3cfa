using System.Globalization;
using EventDriven.Contracts.Results;
using Microsoft.Extensions.Logging;

namespace EventDriven.Workers.Upstreams;

/// <summary>
/// Fetches a month's street crimes within a mile of a point. When the police API answers 503 (more than 10,000 crimes)
/// the circle is split into sectors and each is asked for as a custom polygon, splitting again where needed.
/// </summary>
public sealed partial class CrimeFetcher(PoliceApiClient police, ILogger<CrimeFetcher> logger)
{
    public const double RadiusMiles = 1;

    /// <summary>Quarter sectors, then sixteenths: beyond that an area is too dense for this API (and too costly for the budget).</summary>
    public const int MaxSplitDepth = 2;

    private const int SplitFactor = 4;
    private const int ArcPointsPerSector = 6;
    private const double EarthRadiusMiles = 3958.8;

    /// <param name="requestedBy">The client whose lookup this is (its police requests wait in that client's turn), or null.</param>
    /// <param name="lane">Live, or a replay (its police requests take only the budget live ones leave).</param>
    public async Task<CrimeFetchOutcome> FetchAsync(
        double latitude, double longitude, string month, string? requestedBy, PoliceBudgetLane lane, CancellationToken cancellationToken)
    {
        var first = await police.GetCrimesAroundAsync(latitude, longitude, month, requestedBy, lane, cancellationToken).ConfigureAwait(false);
        if (first is CrimesAnswer.Crimes crimes)
        {
            return new CrimeFetchOutcome.Fetched(Convert(crimes.Items), crimes.Simulated, Requests: 1);
        }

        LogSplitting(logger, latitude, longitude, month);
        var collected = new Dictionary<long, PoliceCrime>();
        var state = new SplitState();
        for (var i = 0; i < SplitFactor; i++)
        {
            var sector = (Start: i * 360.0 / SplitFactor, End: (i + 1) * 360.0 / SplitFactor);
            if (!await FetchSectorAsync(latitude, longitude, sector, depth: 1, month, requestedBy, lane, collected, state, cancellationToken).ConfigureAwait(false))
            {
                return new CrimeFetchOutcome.TooDense(
                    $"data.police.uk holds more than 10,000 crimes in parts of this area even split into {Math.Pow(SplitFactor, MaxSplitDepth):0} sectors.",
                    state.Requests + 1);
            }
        }

        return new CrimeFetchOutcome.Fetched(Convert(collected.Values), state.Simulated, state.Requests + 1);
    }

    private async Task<bool> FetchSectorAsync(
        double latitude, double longitude, (double Start, double End) sector, int depth, string month, string? requestedBy, PoliceBudgetLane lane,
        Dictionary<long, PoliceCrime> collected, SplitState state, CancellationToken cancellationToken)
    {
        state.Requests++;
        var answer = await police.GetCrimesInPolygonAsync(SectorPolygon(latitude, longitude, sector), month, requestedBy, lane, cancellationToken).ConfigureAwait(false);
        if (answer is CrimesAnswer.Crimes crimes)
        {
            state.Simulated |= crimes.Simulated;
            foreach (var crime in crimes.Items)
            {
                // Sectors share edges: a crime on a boundary comes back twice.
                collected.TryAdd(crime.Id, crime);
            }

            return true;
        }

        if (depth >= MaxSplitDepth)
        {
            return false;
        }

        var width = (sector.End - sector.Start) / SplitFactor;
        for (var i = 0; i < SplitFactor; i++)
        {
            var part = (sector.Start + (i * width), sector.Start + ((i + 1) * width));
            if (!await FetchSectorAsync(latitude, longitude, part, depth + 1, month, requestedBy, lane, collected, state, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The centre plus points along the arc: a pie slice of the one-mile circle.</summary>
    internal static IReadOnlyList<(double Latitude, double Longitude)> SectorPolygon(double latitude, double longitude, (double Start, double End) sector)
    {
        var points = new List<(double, double)> { (latitude, longitude) };
        for (var i = 0; i <= ArcPointsPerSector; i++)
        {
            var bearing = (sector.Start + ((sector.End - sector.Start) * i / ArcPointsPerSector)) * Math.PI / 180;
            var dLat = RadiusMiles * Math.Cos(bearing) / EarthRadiusMiles;
            var dLng = RadiusMiles * Math.Sin(bearing) / (EarthRadiusMiles * Math.Cos(latitude * Math.PI / 180));
            points.Add((latitude + (dLat * 180 / Math.PI), longitude + (dLng * 180 / Math.PI)));
        }

        return points;
    }

    private List<CrimeRecord> Convert(IEnumerable<PoliceCrime> crimes)
    {
        var records = new List<CrimeRecord>();
        foreach (var crime in crimes)
        {
            if (!TryParse(crime.Location?.Latitude, out var lat) || !TryParse(crime.Location?.Longitude, out var lng))
            {
                // The police data has the odd record without a usable location: it cannot be placed on a map.
                LogUnplaceableCrime(logger, crime.Id);
                continue;
            }

            records.Add(new CrimeRecord(
                crime.Id,
                string.IsNullOrEmpty(crime.PersistentId) ? null : crime.PersistentId,
                crime.Category ?? "unknown",
                crime.Month ?? string.Empty,
                lat,
                lng,
                crime.Location?.Street?.Name,
                crime.OutcomeStatus?.Category is { } outcome ? new CrimeOutcome(outcome, crime.OutcomeStatus.Date) : null,
                crime.Location?.Street?.Id,
                NullIfEmpty(crime.LocationType),
                NullIfEmpty(crime.LocationSubtype),
                NullIfEmpty(crime.Context)));
        }

        return records;
    }

    /// <summary>The police send "" for "none" (an empty subtype, no context): the result says null.</summary>
    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static bool TryParse(string? text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private sealed class SplitState
    {
        public int Requests { get; set; }
        public bool Simulated { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "More than 10,000 crimes around {Latitude},{Longitude} in {Month}: splitting into sectors")]
    private static partial void LogSplitting(ILogger logger, double latitude, double longitude, string month);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Crime {CrimeId} has no usable location and is left out")]
    private static partial void LogUnplaceableCrime(ILogger logger, long crimeId);
}

public abstract record CrimeFetchOutcome
{
    private CrimeFetchOutcome()
    {
    }

    public sealed record Fetched(IReadOnlyList<CrimeRecord> Crimes, bool Simulated, int Requests) : CrimeFetchOutcome;

    public sealed record TooDense(string Reason, int Requests) : CrimeFetchOutcome;
}
