namespace EventDriven.Contracts.Police;

/// <summary>
/// What data.police.uk has published, as the fleet last checked it: one record shared by every API instance and worker
/// (an item in the shared store in distributed mode, memory in the embedded process). Each stored month of crimes is
/// stamped with the <see cref="LastUpdated"/> it was fetched under. <c>crime-last-updated</c> moves with every
/// publication; a publication that adds a newer month leaves the months already published as they were, one that lists
/// the same months is an update of the data (<see cref="DataUpdated"/> moves) and makes every stored month stale.
/// </summary>
/// <param name="LastUpdated">
/// <c>/crime-last-updated</c>'s <c>date</c> as the police wrote it (e.g. <c>2026-10-01</c>). The police document it as
/// "the month of latest crime data in ISO format; the day is irrelevant" (https://data.police.uk/docs/method/crime-last-updated/):
/// it is only compared (police dates in one format sort as text).
/// </param>
/// <param name="DataUpdated">
/// The <see cref="LastUpdated"/> of the last publication that did not add a newer month (an update of the data): a month
/// fetched under this or a later <c>crime-last-updated</c> is current (<see cref="IsCurrent(string?)"/>).
/// </param>
/// <param name="Months"><c>/crimes-street-dates</c>' months, newest first (<c>YYYY-MM</c>).</param>
/// <param name="Categories"><c>/crime-categories</c> for the newest month: the category slugs a crime can have.</param>
/// <param name="CheckedAt">When a process last asked <c>/crime-last-updated</c> and stored the answer.</param>
/// <param name="ListedAt">When the months and categories were last read (on a change of <see cref="LastUpdated"/>, and daily).</param>
public sealed record PolicePublication(
    string LastUpdated,
    string DataUpdated,
    IReadOnlyList<string> Months,
    IReadOnlyList<CrimeCategory> Categories,
    DateTimeOffset CheckedAt,
    DateTimeOffset ListedAt)
{
    /// <summary>The police's pseudo-category for "every category": asking for it filters nothing.</summary>
    public const string AllCrime = "all-crime";

    /// <summary>The newest month the police list: what a lookup answers when no month is asked for.</summary>
    public string LatestMonth => Months[0];

    public bool Lists(string month) => Months.Contains(month, StringComparer.Ordinal);

    public bool HasCategory(string url) => Categories.Any(c => string.Equals(c.Url, url, StringComparison.Ordinal));

    /// <summary>The <paramref name="count"/> newest months (fewer when the police list fewer).</summary>
    public IReadOnlyList<string> Newest(int count) => Months.Take(count).ToList();

    /// <summary>Whether a month fetched under the <c>crime-last-updated</c> <paramref name="stamp"/> is still the police's data.</summary>
    public bool IsCurrent(string? stamp) => IsCurrent(stamp, DataUpdated);

    /// <summary>
    /// Whether a month fetched under <paramref name="stamp"/> is current after the data update <paramref name="dataUpdated"/>:
    /// fetched at or after it (police dates in one format compare as text).
    /// </summary>
    public static bool IsCurrent(string? stamp, string dataUpdated) =>
        stamp is not null && string.CompareOrdinal(stamp, dataUpdated) >= 0;

    /// <summary>
    /// The publication after a check that read <paramref name="lastUpdated"/> and <paramref name="months"/>: a newer
    /// newest month keeps <see cref="DataUpdated"/> (the older months were not touched), anything else moves it.
    /// </summary>
    public static string DataUpdatedAfter(PolicePublication? previous, string lastUpdated, IReadOnlyList<string> months) =>
        previous is not null &&
        (string.Equals(previous.LastUpdated, lastUpdated, StringComparison.Ordinal) ||
         string.CompareOrdinal(months[0], previous.LatestMonth) > 0)
            ? previous.DataUpdated
            : lastUpdated;

    /// <summary>True when nothing a result depends on differs (the check times aside).</summary>
    public bool SameDataAs(PolicePublication? other) =>
        other is not null &&
        string.Equals(LastUpdated, other.LastUpdated, StringComparison.Ordinal) &&
        string.Equals(DataUpdated, other.DataUpdated, StringComparison.Ordinal) &&
        Months.SequenceEqual(other.Months, StringComparer.Ordinal) &&
        Categories.SequenceEqual(other.Categories);
}

/// <summary>One of <c>/crime-categories</c>: the slug crimes carry (<c>burglary</c>) and its name (<c>Burglary</c>).</summary>
public sealed record CrimeCategory(string Url, string Name);
