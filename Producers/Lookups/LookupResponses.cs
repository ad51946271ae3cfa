using EventDriven.Contracts.Results;
using EventDriven.Sagas;

namespace EventDriven.Producers.Lookups;

/// <summary>200 body of a completed lookup (docs/architecture.md, "HTTP contract").</summary>
public sealed record LookupResultResponse(
    Guid LookupId,
    string Status,
    LookupQuery Query,
    GeoPoint Location,
    string Month,
    double RadiusMiles,
    int TotalCrimes,
    IReadOnlyDictionary<string, int> ByCategory,
    IReadOnlyList<CrimeRecord> Crimes,
    string DataSource,
    DateTimeOffset FetchedAt)
{
    public static LookupResultResponse From(CrimeLookupResult result) => new(
        result.LookupId, Contracts.LookupStatus.Completed, result.Query, result.Location, result.Month, result.RadiusMiles,
        result.TotalCrimes, result.ByCategory, result.Crimes, result.DataSource, result.FetchedAt);
}

/// <summary>202 body: where to poll.</summary>
public sealed record LookupAcceptedResponse(Guid LookupId, string Status, string StatusUrl);

/// <summary><c>GET /lookups/{id}</c>: the saga's view of a lookup, with the result once completed.</summary>
public sealed record LookupStatusResponse(
    Guid LookupId,
    string Status,
    LookupQuery? Query,
    string? Reason,
    int Attempts,
    DateTimeOffset? UpdatedAt,
    LookupResultResponse? Result)
{
    /// <summary>The status of a lookup without its result (a completed one gets it spliced in from the cache).</summary>
    public static LookupStatusResponse From(LookupSnapshot state) => new(
        state.LookupId,
        state.Status,
        state.Postcode is not null ? new LookupQuery(state.Postcode, null, null) : new LookupQuery(null, state.Latitude, state.Longitude),
        ReasonFor(state),
        state.Attempts,
        state.UpdatedAt,
        Result: null);

    private static string? ReasonFor(LookupSnapshot state) => state.Status switch
    {
        Contracts.LookupStatus.Unsupported => Contracts.LookupReasons.Unsupported,
        Contracts.LookupStatus.NoLocation => Contracts.LookupReasons.NoLocation,
        Contracts.LookupStatus.NotFound or Contracts.LookupStatus.Failed => state.Reason,
        _ => null,
    };
}
