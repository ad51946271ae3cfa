using EventDriven.Contracts.Police;

namespace EventDriven.Producers.Lookups;

/// <summary>
/// Which part of a key's crimes a request asks for: police months (<c>?month=YYYY-MM</c>, or the newest N with
/// <c>?months=N</c>; none given: the newest month) and a category (<c>?category=burglary</c>). Months are resolved
/// against the police's own list, so every instance resolves a request alike.
/// </summary>
/// <param name="Months">The months, newest first; empty only while the police's list is unknown (then: the newest stored).</param>
/// <param name="Category">A police category slug to keep, or null for every crime.</param>
/// <param name="QueryString">The selection as a query string (<c>?months=3&amp;category=burglary</c>, or empty), for the status URL.</param>
public sealed record ResultSelection(IReadOnlyList<string> Months, string? Category, string QueryString)
{
    public const string MonthParameter = "month";
    public const string MonthsParameter = "months";
    public const string CategoryParameter = "category";

    /// <summary>The most months one request may ask for: a year's trend.</summary>
    public const int MaxMonths = 12;

    /// <summary>The default: the newest month the police list (or stored, while the list is unknown), every category.</summary>
    public static ResultSelection Newest(PolicePublication? publication) =>
        new(publication is null ? [] : [publication.LatestMonth], null, string.Empty);

    /// <summary>The months of this selection as a cache-key part (<c>2026-09,2026-08</c>).</summary>
    public string MonthsKey => Months.Count == 1 ? Months[0] : string.Join(',', Months);
}
