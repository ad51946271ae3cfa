using EventDriven.Contracts;
using EventDriven.Contracts.Police;
using EventDriven.Contracts.Values;
using MassTransit;

namespace EventDriven.Sagas;

/// <summary>
/// One instance per lookup key (its correlation id is derived from the key). The instance outlives a single
/// attempt: a stale or failed lookup starts a new attempt on the same instance. The methods below are the changes the
/// state machine makes to an instance; each takes the time, so the instance never reads a clock.
/// </summary>
public class CrimeLookupState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    /// <summary>One of <see cref="LookupStatus"/>, or MassTransit's <c>Initial</c> before the first event.</summary>
    public string CurrentState { get; set; } = string.Empty;

    /// <summary>Optimistic-locking version: incremented on every saved transition.</summary>
    public int Version { get; set; }

    /// <summary>Stored form of the lookup key (<c>postcode:SW1A 1AA</c> or <c>coordinates:51.501,-0.1416</c>).</summary>
    public string LookupKey { get; set; } = string.Empty;

    public string? Postcode { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public string? Country { get; set; }

    /// <summary>The police force area of the postcode (postcodes.io's <c>pfa</c>); null for coordinates and where there is none.</summary>
    public string? PoliceForceArea { get; set; }

    /// <summary>The newest police month stored for this key (<c>YYYY-MM</c>); with <see cref="LookupKey"/>, a results store key.</summary>
    public string? Month { get; set; }

    /// <summary>
    /// Every police month stored for this key, newest first: the months a request can be answered with from the results
    /// store while <see cref="PoliceLastUpdated"/> is current.
    /// </summary>
    public List<string> Months { get; set; } = [];

    /// <summary>The oldest police <c>crime-last-updated</c> the stored <see cref="Months"/> were fetched under.</summary>
    public string? PoliceLastUpdated { get; set; }

    /// <summary>Months asked for and not yet stored by the attempt under way (empty when none is, or it fetches "the newest").</summary>
    public List<string> PendingMonths { get; set; } = [];
    public int? TotalCrimes { get; set; }
    public string? DataSource { get; set; }
    public string? FailureReason { get; set; }

    /// <summary>One of <see cref="LookupReasons"/> while NotFound or Failed: what the public is told (<see cref="FailureReason"/> is the detail).</summary>
    public string? FailureCode { get; set; }

    /// <summary>
    /// The client (an opaque tag) whose request started the attempt under way; null once it has ended. What the API
    /// counts as that client's lookups in flight, and whose turn the attempt's police requests wait in.
    /// </summary>
    public string? AttemptRequestedBy { get; set; }

    /// <summary>Attempts started on this instance (1 for the first).</summary>
    public int Attempts { get; set; }

    /// <summary>Requests received for this key, including duplicates answered by an attempt already under way.</summary>
    public long RequestCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset FirstRequestedAt { get; set; }
    public DateTimeOffset LastRequestedAt { get; set; }
    public DateTimeOffset? AttemptStartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>
    /// The instance an API records in a shared store when it accepts a new lookup (202), before any saga has seen the
    /// request: MassTransit's <c>Initial</c> state with the key, so every API instance can answer a poll for it. The saga
    /// loads it and starts it exactly as a new one (its <c>Initially</c> block).
    /// </summary>
    /// <param name="requestedBy">The client whose request it is: its lookups in flight count this one from the moment it is accepted.</param>
    public static CrimeLookupState Accepted(Contracts.Values.LookupKey key, DateTimeOffset acceptedAt, string? requestedBy = null)
    {
        var state = new CrimeLookupState
        {
            CorrelationId = key.CorrelationId,
            CurrentState = LookupStateDiagram.InitialState,
            CreatedAt = acceptedAt,
            UpdatedAt = acceptedAt,
            FirstRequestedAt = acceptedAt,
            LastRequestedAt = acceptedAt,
            AttemptRequestedBy = requestedBy,
        };
        if (key.Postcode is { } postcode)
        {
            state.StartFrom(postcode);
        }
        else
        {
            state.StartFrom(key.Coordinates!.Value);
        }

        return state;
    }

    /// <summary>An immutable copy for readers (API, operators, functions), who must never hold the live instance.</summary>
    public LookupSnapshot ToSnapshot() => new(
        CorrelationId, CurrentState, LookupKey, Postcode, Latitude, Longitude, Country, Month, TotalCrimes, DataSource,
        FailureReason, FailureCode, Attempts, RequestCount, Version, CreatedAt, UpdatedAt, FirstRequestedAt, LastRequestedAt, AttemptStartedAt, CompletedAt,
        PoliceForceArea, [.. Months], PoliceLastUpdated, [.. PendingMonths]);

    /// <summary>Whether this finished lookup still answers requests (see <see cref="LookupFreshness"/>).</summary>
    public bool IsFresh(LookupOptions options, DateTimeOffset now) => LookupFreshness.IsFresh(CurrentState, CompletedAt, options, now);

    /// <summary>
    /// Whether the stored months answer a request for <paramref name="months"/> (empty: the newest) judged by the police's
    /// last data update as the requester knew it (see <see cref="LookupFreshness.Covers"/>).
    /// </summary>
    public bool Answers(IReadOnlyList<string>? months, string? policeDataUpdated, LookupOptions options, DateTimeOffset now) =>
        LookupFreshness.Covers(PoliceLastUpdated, Months, CompletedAt, months ?? [], policeDataUpdated, options, now);

    /// <summary>
    /// The months of a request that neither the attempt under way fetches nor the store holds current (by the
    /// requester's view of the police's last data update): what a running attempt must fetch in addition.
    /// </summary>
    internal IReadOnlyList<string> MonthsMissing(IReadOnlyList<string>? months, string? policeDataUpdated)
    {
        if (months is not { Count: > 0 })
        {
            return [];
        }

        var stored = policeDataUpdated is not null && PolicePublication.IsCurrent(PoliceLastUpdated, policeDataUpdated) ? Months : [];
        return months.Where(m => !PendingMonths.Contains(m) && !stored.Contains(m)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The months the last <see cref="WantMonths"/> added, for the command that fetches them. Not state: it lives only
    /// while one event is applied (never stored, not internal state a reader sees).
    /// </summary>
    internal IReadOnlyList<string> MonthsAdded { get; private set; } = [];

    /// <summary>Adds months to those the attempt under way must fetch.</summary>
    internal void WantMonths(IReadOnlyList<string> months)
    {
        MonthsAdded = months;
        if (months.Count > 0)
        {
            PendingMonths = NewestFirst(PendingMonths.Concat(months));
        }
    }

    /// <summary>True once the area or the geocoder's country has shown the postcode to be Scottish.</summary>
    internal bool IsScottish => ScottishPostcodeAreas.IsScottish(postcode: null, Country) == true;

    /// <summary>The first request of a postcode lookup: its key, normalised postcode, and Scotland when the area proves it.</summary>
    internal void StartFrom(Postcode postcode)
    {
        var key = Contracts.Values.LookupKey.For(postcode);
        LookupKey = key.Value;
        Postcode = postcode.Value;
        if (ScottishPostcodeAreas.IsScottish(postcode, country: null) == true)
        {
            Country = ScottishPostcodeAreas.ScotlandCountry;
        }
    }

    /// <summary>The first request of a coordinates lookup: its key and the point rounded as the key rounds it.</summary>
    internal void StartFrom(Coordinates coordinates)
    {
        var key = Contracts.Values.LookupKey.For(coordinates);
        LookupKey = key.Value;
        Latitude = key.Coordinates!.Value.Latitude;
        Longitude = key.Coordinates!.Value.Longitude;
    }

    /// <summary>Counts a request (duplicates included: the unsupported-postcode registry counts them).</summary>
    internal void NoteRequest(DateTimeOffset requestedAt, DateTimeOffset now)
    {
        if (RequestCount == 0)
        {
            CreatedAt = now;
            FirstRequestedAt = requestedAt;
        }

        RequestCount++;
        if (requestedAt > LastRequestedAt)
        {
            LastRequestedAt = requestedAt;
        }

        UpdatedAt = now;
    }

    /// <param name="months">The months the attempt fetches; none for the newest.</param>
    /// <param name="requestedBy">The client whose request started it (an opaque tag; see <see cref="AttemptRequestedBy"/>).</param>
    internal void BeginAttempt(DateTimeOffset now, IReadOnlyList<string>? months, string? requestedBy)
    {
        PendingMonths = NewestFirst(months ?? []);
        Attempts++;
        AttemptRequestedBy = requestedBy;
        AttemptStartedAt = now;
        FailureReason = null;
        FailureCode = null;
        CompletedAt = null;
        UpdatedAt = now;
    }

    /// <summary>
    /// The stuck clock runs from the attempt's start or its last re-send. Not from <see cref="UpdatedAt"/>: every request
    /// touches that before this check runs, so measured from there a popular attempt would never look stuck.
    /// </summary>
    internal bool IsStuck(DateTimeOffset now, TimeSpan stuckAfter) => now - (AttemptStartedAt ?? CreatedAt) > stuckAfter;

    /// <summary>Re-sending restarts the clock: a popular stuck key is re-sent once per StuckAfter, not once per request.</summary>
    internal void RestartStuckClock(DateTimeOffset now)
    {
        AttemptStartedAt = now;
        UpdatedAt = now;
    }

    internal void Geocoded(string? country, string? policeForceArea, double latitude, double longitude, DateTimeOffset now)
    {
        Country = country;
        PoliceForceArea = policeForceArea;
        Latitude = latitude;
        Longitude = longitude;
        FailureReason = null;
        FailureCode = null;
        UpdatedAt = now;
    }

    internal void MarkUnsupported(string? country, DateTimeOffset now)
    {
        Country = country;
        AttemptRequestedBy = null;
        UpdatedAt = now;
    }

    /// <summary>The geocoder knows the postcode but gives no point: a final answer, with its own reason.</summary>
    internal void MarkNoLocation(string? country, string? policeForceArea, DateTimeOffset now)
    {
        Country = country;
        PoliceForceArea = policeForceArea;
        FailureReason = LookupReasons.NoLocation;
        CompletedAt = now;
        UpdatedAt = now;
    }

    internal void MarkNotFound(string reason, DateTimeOffset now)
    {
        FailureReason = reason;
        FailureCode = LookupReasons.PostcodeNotFound;
        AttemptRequestedBy = null;
        CompletedAt = now;
        UpdatedAt = now;
    }

    /// <summary>
    /// A worker stored months of crimes. While the months already stored are current (fetched since the police's last
    /// data update, as the worker knew it) the new ones join them and the stamp is the older of the two, so the set
    /// goes stale as soon as any of it does; otherwise they replace them. A late reply fetched before a data update
    /// makes the set stale at worst, which costs a re-fetch, never a stale answer. Its months are no longer pending.
    /// </summary>
    internal void CrimesStored(
        IReadOnlyList<string> months, string newestMonth, int totalCrimes, string dataSource,
        string? policeLastUpdated, string? policeDataUpdated, DateTimeOffset now)
    {
        PendingMonths = PendingMonths.Where(m => !months.Contains(m)).ToList();
        var keep = Months.Count > 0 && (policeDataUpdated is null
            ? string.Equals(policeLastUpdated, PoliceLastUpdated, StringComparison.Ordinal)
            : PolicePublication.IsCurrent(PoliceLastUpdated, policeDataUpdated));
        Months = keep ? NewestFirst(Months.Concat(months)) : NewestFirst(months);
        PoliceLastUpdated = keep && string.CompareOrdinal(PoliceLastUpdated, policeLastUpdated) < 0 ? PoliceLastUpdated : policeLastUpdated;
        if (Month is null || string.CompareOrdinal(newestMonth, Month) >= 0 || !Months.Contains(Month))
        {
            Month = newestMonth;
            TotalCrimes = totalCrimes;
        }

        DataSource = dataSource;
        FailureReason = null;
        FailureCode = null;
        AttemptRequestedBy = null;
        CompletedAt = now;
        UpdatedAt = now;
    }

    /// <summary>A failed attempt's months are no longer pending: the next request for them starts a new attempt.</summary>
    internal void ClearPendingMonths() => PendingMonths = [];

    /// <summary><c>YYYY-MM</c> strings sort like the months they name.</summary>
    private static List<string> NewestFirst(IEnumerable<string> months) =>
        months.Distinct(StringComparer.Ordinal).OrderDescending(StringComparer.Ordinal).ToList();

    /// <param name="code">One of <see cref="LookupReasons"/>: what the public is told.</param>
    /// <param name="reason">The detail: what operators see.</param>
    internal void Fail(string code, string reason, DateTimeOffset now, string? country = null)
    {
        PendingMonths = [];
        FailureCode = code;
        FailureReason = reason;
        AttemptRequestedBy = null;
        Country ??= country;
        CompletedAt = now;
        UpdatedAt = now;
    }
}
