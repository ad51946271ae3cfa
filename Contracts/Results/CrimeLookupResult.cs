namespace EventDriven.Contracts.Results;

/// <summary>A completed lookup as stored in the results store and served by the API (docs/architecture.md, "HTTP contract").</summary>
public sealed record CrimeLookupResult
{
    public required Guid LookupId { get; init; }
    public required string LookupKey { get; init; }
    public required LookupQuery Query { get; init; }
    public required GeoPoint Location { get; init; }
    /// <summary>The police data month, <c>YYYY-MM</c>.</summary>
    public required string Month { get; init; }
    public double RadiusMiles { get; init; } = 1;
    public required int TotalCrimes { get; init; }
    public required IReadOnlyDictionary<string, int> ByCategory { get; init; }
    public required IReadOnlyList<CrimeRecord> Crimes { get; init; }
    /// <summary><see cref="DataSources.PoliceUk"/> or <see cref="DataSources.Simulated"/>: simulated data is never presented as real.</summary>
    public required string DataSource { get; init; }
    public required DateTimeOffset FetchedAt { get; init; }
}

public sealed record LookupQuery(string? Postcode, double? Latitude, double? Longitude);

public sealed record GeoPoint(double Latitude, double Longitude);

public sealed record CrimeRecord(
    long Id,
    string? PersistentId,
    string Category,
    string Month,
    double Latitude,
    double Longitude,
    string? Street,
    CrimeOutcome? Outcome);

public sealed record CrimeOutcome(string Category, string? Date);

public static class DataSources
{
    public const string PoliceUk = "police.uk";
    public const string Simulated = "simulated";

    /// <summary>Response header the simulator puts on every answer, so a client can never present simulated data as real.</summary>
    public const string SimulatedHeader = "X-Upstream-Simulator";
}
