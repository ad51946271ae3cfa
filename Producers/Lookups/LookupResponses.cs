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

/// <summary>
/// <c>GET /lookups/{id}</c>: the saga's view of a lookup, with the result once completed. What the public may see of
/// it: a reason as a documented code and a plain message (the detail is the operators'), and no time that another
/// person's request moves (no last-update or last-request times).
/// </summary>
/// <param name="Reason">The plain message of <paramref name="ReasonCode"/>.</param>
/// <param name="ReasonCode">One of <see cref="Contracts.LookupReasons"/> when NotFound, Failed or Unsupported.</param>
public sealed record LookupStatusResponse(
    Guid LookupId,
    string Status,
    LookupQuery? Query,
    string? Reason,
    string? ReasonCode,
    int Attempts,
    LookupResultResponse? Result)
{
    /// <summary>The status of a lookup without its result (a completed one gets it spliced in from the cache).</summary>
    public static LookupStatusResponse From(LookupSnapshot state)
    {
        var code = ReasonCodeOf(state);
        return new(
            state.LookupId,
            state.Status,
            state.Postcode is not null ? new LookupQuery(state.Postcode, null, null) : new LookupQuery(null, state.Latitude, state.Longitude),
            code is null ? null : Contracts.LookupReasons.MessageFor(code),
            code,
            state.Attempts,
            Result: null);
    }

    /// <summary>A lookup accepted and under way (the saga may not have seen the request yet).</summary>
    public static LookupStatusResponse Accepted(Guid lookupId, string status, LookupQuery query, int attempts) =>
        new(lookupId, status, query, Reason: null, ReasonCode: null, attempts, Result: null);

    private static string? ReasonCodeOf(LookupSnapshot state) => state.Status switch
    {
        Contracts.LookupStatus.Unsupported => Contracts.LookupReasons.UnsupportedArea,
        Contracts.LookupStatus.NotFound => state.ReasonCode ?? Contracts.LookupReasons.PostcodeNotFound,
        Contracts.LookupStatus.Failed => state.ReasonCode ?? Contracts.LookupReasons.LookupFailed,
        _ => null,
    };
}
