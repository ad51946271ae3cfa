namespace EventDriven.Contracts.Results;

/// <summary>A completed lookup as stored in the results store and served by the API (docs/architecture.md, "HTTP contract").</summary>
public sealed record CrimeLookupResult
{
    public required Guid LookupId { get; init; }
    public required string LookupKey { get; init; }
    public required LookupQuery Query { get; init; }
    public required GeoPoint Location { get; init; }

    /// <summary>The police force area of the postcode (postcodes.io's <c>pfa</c>); null for coordinates and where there is none.</summary>
    public string? PoliceForceArea { get; init; }
    /// <summary>The police data month, <c>YYYY-MM</c>.</summary>
    public required string Month { get; init; }
    public double RadiusMiles { get; init; } = 1;
    public required int TotalCrimes { get; init; }
    public required IReadOnlyDictionary<string, int> ByCategory { get; init; }
    public required IReadOnlyList<CrimeRecord> Crimes { get; init; }
    /// <summary><see cref="DataSources.PoliceUk"/> or <see cref="DataSources.Simulated"/>: simulated data is never presented as real.</summary>
    public required string DataSource { get; init; }
    public required DateTimeOffset FetchedAt { get; init; }

    /// <summary>
    /// The police's <c>crime-last-updated</c> when this month was fetched: the result stands while it has not moved
    /// (null for results stored before it was recorded, which are fetched again).
    /// </summary>
    public string? PoliceLastUpdated { get; init; }
}

public sealed record LookupQuery(string? Postcode, double? Latitude, double? Longitude);

public sealed record GeoPoint(double Latitude, double Longitude);

/// <summary>One street crime, with what data.police.uk says about its place.</summary>
/// <param name="StreetId">data.police.uk's <c>location.street.id</c>: the anonymised map point the crime is snapped to.</param>
/// <param name="LocationType"><c>Force</c> (a territorial force) or <c>BTP</c> (British Transport Police: a crime on the railway).</param>
/// <param name="LocationSubtype">For BTP locations, the kind of place (e.g. <c>LU STATION</c>); null when the police give none.</param>
/// <param name="Context">Free text some forces add to a crime; null when empty.</param>
public sealed record CrimeRecord(
    long Id,
    string? PersistentId,
    string Category,
    string Month,
    double Latitude,
    double Longitude,
    string? Street,
    CrimeOutcome? Outcome,
    long? StreetId = null,
    string? LocationType = null,
    string? LocationSubtype = null,
    string? Context = null);

public sealed record CrimeOutcome(string Category, string? Date);

public static class DataSources
{
    public const string PoliceUk = "police.uk";
    public const string Simulated = "simulated";

    /// <summary>Response header the simulator puts on every answer, so a client can never present simulated data as real.</summary>
    public const string SimulatedHeader = "X-Upstream-Simulator";
}

/// <summary>How results count crimes: most frequent category first, ties by name (the same order everywhere).</summary>
public static class CrimeCounts
{
    public static IReadOnlyDictionary<string, int> ByCategory(IEnumerable<CrimeRecord> crimes) =>
        crimes
            .GroupBy(c => c.Category, StringComparer.Ordinal)
            .Select(g => (g.Key, Count: g.Count()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count, StringComparer.Ordinal);
}
