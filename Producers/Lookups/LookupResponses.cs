using EventDriven.Contracts.Results;
using EventDriven.Sagas;

namespace EventDriven.Producers.Lookups;

/// <summary>
/// 200 body of a completed lookup (docs/architecture.md, "HTTP contract"): the crimes of the months asked for (the newest
/// by default), optionally of one category, with a per-month trend.
/// </summary>
/// <param name="PoliceForceArea">The police force area of the postcode (postcodes.io's <c>pfa</c>); null for coordinates.</param>
/// <param name="Month">The newest month in the answer.</param>
/// <param name="Months">Per month, newest first: its crimes in total and by category (after the category filter).</param>
/// <param name="Category">The category asked for, or null for every crime.</param>
/// <param name="FetchedAt">When the oldest-fetched of the months was fetched.</param>
/// <param name="PoliceLastUpdated">The police's <c>crime-last-updated</c> the crimes were fetched under.</param>
public sealed record LookupResultResponse(
    Guid LookupId,
    string Status,
    LookupQuery Query,
    GeoPoint Location,
    string? PoliceForceArea,
    string Month,
    IReadOnlyList<MonthSummary> Months,
    string? Category,
    double RadiusMiles,
    int TotalCrimes,
    IReadOnlyDictionary<string, int> ByCategory,
    IReadOnlyList<CrimeRecord> Crimes,
    string DataSource,
    DateTimeOffset FetchedAt,
    string? PoliceLastUpdated)
{
    /// <summary>One answer from the stored months (any order) of one key, keeping only <paramref name="category"/> when given.</summary>
    public static LookupResultResponse From(IReadOnlyList<CrimeLookupResult> months, string? category)
    {
        ArgumentOutOfRangeException.ThrowIfZero(months.Count);
        var newestFirst = months.OrderByDescending(m => m.Month, StringComparer.Ordinal).ToList();
        var newest = newestFirst[0];
        var summaries = new List<MonthSummary>(newestFirst.Count);
        var crimes = new List<CrimeRecord>();
        foreach (var month in newestFirst)
        {
            var kept = category is null ? month.Crimes : month.Crimes.Where(c => string.Equals(c.Category, category, StringComparison.Ordinal)).ToList();
            summaries.Add(new MonthSummary(month.Month, kept.Count, category is null ? month.ByCategory : CrimeCounts.ByCategory(kept)));
            crimes.AddRange(kept);
        }

        return new LookupResultResponse(
            newest.LookupId,
            Contracts.LookupStatus.Completed,
            newest.Query,
            newest.Location,
            newest.PoliceForceArea,
            newest.Month,
            summaries,
            category,
            newest.RadiusMiles,
            crimes.Count,
            newestFirst.Count == 1 ? summaries[0].ByCategory : CrimeCounts.ByCategory(crimes),
            crimes,
            newestFirst.Any(m => m.DataSource == DataSources.Simulated) ? DataSources.Simulated : newest.DataSource,
            newestFirst.Min(m => m.FetchedAt),
            newest.PoliceLastUpdated);
    }
}

/// <summary>One month of a result's trend.</summary>
public sealed record MonthSummary(string Month, int TotalCrimes, IReadOnlyDictionary<string, int> ByCategory);

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
            code is null ? null : Contracts.LookupReasons.PublicMessage(code, state.Reason),
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
        Contracts.LookupStatus.NoLocation => Contracts.LookupReasons.PostcodeWithoutLocation,
        Contracts.LookupStatus.NotFound => state.ReasonCode ?? Contracts.LookupReasons.PostcodeNotFound,
        Contracts.LookupStatus.Failed => state.ReasonCode ?? Contracts.LookupReasons.LookupFailed,
        _ => null,
    };
}
