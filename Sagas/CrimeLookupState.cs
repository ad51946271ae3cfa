using EventDriven.Contracts;
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

    /// <summary>Police data month of the last completed attempt (<c>YYYY-MM</c>); the results store key with <see cref="LookupKey"/>.</summary>
    public string? Month { get; set; }
    public int? TotalCrimes { get; set; }
    public string? DataSource { get; set; }
    public string? FailureReason { get; set; }

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
    public static CrimeLookupState Accepted(Contracts.Values.LookupKey key, DateTimeOffset acceptedAt)
    {
        var state = new CrimeLookupState
        {
            CorrelationId = key.CorrelationId,
            CurrentState = LookupStateDiagram.InitialState,
            CreatedAt = acceptedAt,
            UpdatedAt = acceptedAt,
            FirstRequestedAt = acceptedAt,
            LastRequestedAt = acceptedAt,
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
        FailureReason, Attempts, RequestCount, Version, CreatedAt, UpdatedAt, FirstRequestedAt, LastRequestedAt, AttemptStartedAt, CompletedAt);

    /// <summary>Whether this finished lookup still answers requests (see <see cref="LookupFreshness"/>).</summary>
    public bool IsFresh(LookupOptions options, DateTimeOffset now) => LookupFreshness.IsFresh(CurrentState, CompletedAt, options, now);

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

    internal void BeginAttempt(DateTimeOffset now)
    {
        Attempts++;
        AttemptStartedAt = now;
        FailureReason = null;
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

    internal void Geocoded(string? country, double latitude, double longitude, DateTimeOffset now)
    {
        Country = country;
        Latitude = latitude;
        Longitude = longitude;
        FailureReason = null;
        UpdatedAt = now;
    }

    internal void MarkUnsupported(string? country, DateTimeOffset now)
    {
        Country = country;
        UpdatedAt = now;
    }

    internal void MarkNotFound(string reason, DateTimeOffset now)
    {
        FailureReason = reason;
        CompletedAt = now;
        UpdatedAt = now;
    }

    internal void Complete(string month, int totalCrimes, string dataSource, DateTimeOffset now)
    {
        Month = month;
        TotalCrimes = totalCrimes;
        DataSource = dataSource;
        FailureReason = null;
        CompletedAt = now;
        UpdatedAt = now;
    }

    internal void Fail(string reason, DateTimeOffset now, string? country = null)
    {
        FailureReason = reason;
        Country ??= country;
        CompletedAt = now;
        UpdatedAt = now;
    }
}
