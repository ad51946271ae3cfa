using System.Text.Json.Serialization;

namespace EventDriven.Sagas;

/// <summary>
/// What a reader (the API, operators, the scheduled functions) sees of one lookup: an immutable copy of its saga
/// instance at one moment, taken by the store. Readers never hold the live instance the state machine changes.
/// </summary>
/// <param name="LookupId">The saga's correlation id, derived from the lookup key.</param>
/// <param name="Status">One of <see cref="Contracts.LookupStatus"/> (or MassTransit's <c>Initial</c> for an instance not yet started).</param>
/// <param name="Reason">Why the lookup is NotFound or Failed (the saga's failure reason, in full: this is the operators' view).</param>
/// <param name="ReasonCode">The same as one of <see cref="Contracts.LookupReasons"/>: what the public is told.</param>
/// <param name="Version">The optimistic-locking version the copy was read at.</param>
/// <param name="PoliceForceArea">The police force area of the postcode (postcodes.io's <c>pfa</c>).</param>
/// <param name="Months">The police months stored for the key, newest first.</param>
/// <param name="PoliceLastUpdated">The oldest police <c>crime-last-updated</c> the stored months were fetched under.</param>
/// <param name="PendingMonths">Months the attempt under way still fetches.</param>
/// <param name="AcceptedAt">When an API accepted a request for this finished lookup that starts a new attempt and the
/// saga has not processed yet (null otherwise): polls then report the new attempt, not the old outcome.</param>
public sealed record LookupSnapshot(
    Guid LookupId,
    string Status,
    string LookupKey,
    string? Postcode,
    double? Latitude,
    double? Longitude,
    string? Country,
    string? Month,
    int? TotalCrimes,
    string? DataSource,
    string? Reason,
    string? ReasonCode,
    int Attempts,
    long RequestCount,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset FirstRequestedAt,
    DateTimeOffset LastRequestedAt,
    DateTimeOffset? AttemptStartedAt,
    DateTimeOffset? CompletedAt,
    string? PoliceForceArea = null,
    IReadOnlyList<string>? Months = null,
    string? PoliceLastUpdated = null,
    IReadOnlyList<string>? PendingMonths = null,
    DateTimeOffset? AcceptedAt = null)
{
    /// <summary>True once a request has started the lookup (an instance MassTransit created but never saved has no key).</summary>
    [JsonIgnore]
    public bool IsStarted => !string.IsNullOrEmpty(LookupKey);

    /// <summary>
    /// True while an API has accepted a request the saga has not processed: a new lookup recorded in <c>Initial</c>
    /// (<see cref="CrimeLookupState.Accepted"/>), or a new attempt at a finished one (<see cref="AcceptedAt"/>).
    /// </summary>
    [JsonIgnore]
    public bool IsAwaitingSaga => Status == LookupStateDiagram.InitialState || (AcceptedAt is not null && Contracts.LookupStatus.IsTerminal(Status));

    /// <summary>Whether this finished lookup still answers requests (see <see cref="LookupFreshness"/>).</summary>
    public bool IsFresh(LookupOptions options, DateTimeOffset now) => LookupFreshness.IsFresh(Status, CompletedAt, options, now);

    /// <summary>
    /// Whether the stored months answer a request for <paramref name="months"/> (empty: the newest) after the police's
    /// last data update <paramref name="policeDataUpdated"/> (null while unknown).
    /// </summary>
    public bool Answers(IReadOnlyList<string> months, string? policeDataUpdated, LookupOptions options, DateTimeOffset now) =>
        LookupFreshness.Covers(PoliceLastUpdated, Months ?? (Month is null ? [] : [Month]), CompletedAt, months, policeDataUpdated, options, now);
}
