using EventDriven.Contracts;
using EventDriven.Contracts.Police;

namespace EventDriven.Sagas;

/// <summary>
/// When a finished lookup still answers requests: shared by the saga (start a new attempt?) and the API (answer from the
/// store?), so both decide alike. Crimes follow the police's publication: the months stored for a key answer for as long
/// as the police have not updated the data since they were fetched (<see cref="PolicePublication.DataUpdated"/>); a newly
/// published month is simply not stored yet. Answers about the postcode itself follow a clock (postcodes.io changes with
/// each ONSPD release, and says nothing about when).
/// </summary>
public static class LookupFreshness
{
    /// <summary>Whether a finished answer about the postcode (NotFound, NoLocation, Unsupported) still stands.</summary>
    public static bool IsFresh(string status, DateTimeOffset? completedAt, LookupOptions options, DateTimeOffset now) => status switch
    {
        // Only while the police's publication is unknown; otherwise see Covers.
        LookupStatus.Completed => completedAt is { } completed && now - completed <= options.ResultsFreshFor,
        // Answers about the postcode itself: postcodes.io learns of new postcodes and points with each ONSPD release.
        LookupStatus.NotFound or LookupStatus.NoLocation => completedAt is { } completed && now - completed <= options.NotFoundFreshFor,
        // Scotland does not join data.police.uk over time.
        LookupStatus.Unsupported => true,
        _ => false,
    };

    /// <summary>
    /// Whether the months stored for a key answer a request for <paramref name="wanted"/>: every wanted month is stored,
    /// fetched since the police last updated the data. While that is unknown (<paramref name="dataUpdated"/> null: no
    /// check has succeeded yet) the stored months stand for <see cref="LookupOptions.ResultsFreshFor"/>.
    /// </summary>
    /// <param name="storedUnder">The oldest <c>crime-last-updated</c> the stored months were fetched under.</param>
    /// <param name="storedMonths">The months stored for the key.</param>
    /// <param name="completedAt">When the last months were stored.</param>
    /// <param name="wanted">The months asked for; empty asks for the newest stored.</param>
    /// <param name="dataUpdated">The police's last data update as the requester knows it (<see cref="PolicePublication.DataUpdated"/>).</param>
    public static bool Covers(
        string? storedUnder, IReadOnlyCollection<string> storedMonths, DateTimeOffset? completedAt,
        IReadOnlyCollection<string> wanted, string? dataUpdated, LookupOptions options, DateTimeOffset now)
    {
        if (storedMonths.Count == 0 || !wanted.All(storedMonths.Contains))
        {
            return false;
        }

        return dataUpdated is null
            ? completedAt is { } completed && now - completed <= options.ResultsFreshFor
            : PolicePublication.IsCurrent(storedUnder, dataUpdated);
    }
}
