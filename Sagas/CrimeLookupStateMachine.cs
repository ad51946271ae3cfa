using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EventDriven.Sagas;

/// <summary>
/// The lookup saga (DESIGN §5): Geocoding → FetchingCrimes → Completed, with side exits NotFound, Unsupported and Failed.
/// Duplicate requests for a key whose attempt is under way are counted, not re-run: one upstream call per key.
/// </summary>
public sealed class CrimeLookupStateMachine : MassTransitStateMachine<CrimeLookupState>
{
    private static readonly Uri GeocodeAddress = new($"queue:{QueueNames.GeocodePostcode}");
    private static readonly Uri FetchCrimesAddress = new($"queue:{QueueNames.FetchCrimes}");

    private readonly TimeProvider _time;
    private readonly LookupOptions _options;

    /// <param name="metrics">Optional, so test harnesses without metrics can build the machine.</param>
    public CrimeLookupStateMachine(TimeProvider time, IOptions<LookupOptions> options, LookupMetrics? metrics = null)
    {
        _time = time;
        _options = options.Value;

        InstanceState(x => x.CurrentState);

        Event(() => PostcodeRequested, x => x.CorrelateById(m => m.Message.CorrelationId));
        Event(() => CoordinatesRequested, x => x.CorrelateById(m => m.Message.CorrelationId));
        // Worker replies for an instance that does not exist (expired, or never created) are dropped, not faulted.
        Event(() => PostcodeGeocoded, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => PostcodeNotFound, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => CrimesFetched, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => LookupFailed, x => { x.CorrelateById(m => m.Message.CorrelationId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => GeocodeFaulted, x => { x.CorrelateById(m => m.Message.Message.CorrelationId); x.OnMissingInstance(m => m.Discard()); });
        Event(() => FetchCrimesFaulted, x => { x.CorrelateById(m => m.Message.Message.CorrelationId); x.OnMissingInstance(m => m.Discard()); });

        Initially(
            When(PostcodeRequested)
                .Then(ctx => NoteRequest(ctx.Saga, ctx.Message.RequestedAt))
                .Then(ctx => InitialisePostcode(ctx.Saga, ctx.Message.Postcode))
                .StartPostcodeAttempt(this),
            When(CoordinatesRequested)
                .Then(ctx => NoteRequest(ctx.Saga, ctx.Message.RequestedAt))
                .Then(ctx => InitialiseCoordinates(ctx.Saga, ctx.Message.Latitude, ctx.Message.Longitude))
                .StartCoordinatesAttempt(this));

        // An attempt under way answers every duplicate request: counted, not re-run, unless it looks stuck.
        During(Geocoding,
            When(PostcodeRequested)
                .Then(ctx => NoteRequest(ctx.Saga, ctx.Message.RequestedAt))
                .If(ctx => IsStuck(ctx.Saga), stuck => stuck.Then(ctx => RestartStuckClock(ctx.Saga)).SendGeocode()));

        During(FetchingCrimes,
            When(PostcodeRequested)
                .Then(ctx => NoteRequest(ctx.Saga, ctx.Message.RequestedAt))
                .If(ctx => IsStuck(ctx.Saga), stuck => stuck.Then(ctx => RestartStuckClock(ctx.Saga)).SendFetchCrimes()),
            When(CoordinatesRequested)
                .Then(ctx => NoteRequest(ctx.Saga, ctx.Message.RequestedAt))
                .If(ctx => IsStuck(ctx.Saga), stuck => stuck.Then(ctx => RestartStuckClock(ctx.Saga)).SendFetchCrimes()));

        // Finished states: a fresh answer stands; a stale one (or any failure) starts a new attempt.
        During(Completed, NotFound, Failed,
            When(PostcodeRequested)
                .Then(ctx => NoteRequest(ctx.Saga, ctx.Message.RequestedAt))
                .If(ctx => ShouldStartNewAttempt(ctx.Saga), attempt => attempt.StartPostcodeAttempt(this)),
            When(CoordinatesRequested)
                .Then(ctx => NoteRequest(ctx.Saga, ctx.Message.RequestedAt))
                .If(ctx => ShouldStartNewAttempt(ctx.Saga), attempt => attempt.StartCoordinatesAttempt(this)));

        // Scotland does not become supported over time: every request is counted for the registry.
        During(Unsupported,
            When(PostcodeRequested)
                .Then(ctx => NoteRequest(ctx.Saga, ctx.Message.RequestedAt))
                .PublishUnsupported());

        // Geocoder replies. In Failed too: a dead-lettered command replayed after an outage completes the lookup.
        During(Geocoding, Failed,
            When(PostcodeGeocoded, ctx => ScottishPostcodeAreas.IsScottishCountry(ctx.Message.Country))
                .Then(ctx => { ctx.Saga.Country = ctx.Message.Country; Touch(ctx.Saga); })
                .TransitionTo(Unsupported)
                .PublishUnsupported(),
            When(PostcodeGeocoded, ctx => !ScottishPostcodeAreas.IsScottishCountry(ctx.Message.Country) && (ctx.Message.Latitude is null || ctx.Message.Longitude is null))
                .Then(ctx => Fail(ctx.Saga, "The geocoder knows this postcode but has no coordinates for it.", ctx.Message.Country))
                .TransitionTo(Failed),
            When(PostcodeGeocoded, ctx => !ScottishPostcodeAreas.IsScottishCountry(ctx.Message.Country) && ctx.Message.Latitude is not null && ctx.Message.Longitude is not null)
                .Then(ctx =>
                {
                    ctx.Saga.Country = ctx.Message.Country;
                    ctx.Saga.Latitude = ctx.Message.Latitude;
                    ctx.Saga.Longitude = ctx.Message.Longitude;
                    ctx.Saga.FailureReason = null;
                    Touch(ctx.Saga);
                })
                .SendFetchCrimes()
                .TransitionTo(FetchingCrimes),
            When(PostcodeNotFound)
                .Then(ctx => { ctx.Saga.FailureReason = ctx.Message.Reason; ctx.Saga.CompletedAt = Now; Touch(ctx.Saga); })
                .TransitionTo(NotFound));

        During(Geocoding,
            When(GeocodeFaulted)
                .Then(ctx => Fail(ctx.Saga, "Geocoding failed: " + FirstExceptionMessage(ctx.Message)))
                .TransitionTo(Failed),
            When(LookupFailed)
                .Then(ctx => Fail(ctx.Saga, ctx.Message.Reason))
                .TransitionTo(Failed));

        During(FetchingCrimes, Failed,
            When(CrimesFetched)
                .Then(ctx =>
                {
                    ctx.Saga.Month = ctx.Message.Month;
                    ctx.Saga.TotalCrimes = ctx.Message.TotalCrimes;
                    ctx.Saga.DataSource = ctx.Message.DataSource;
                    ctx.Saga.FailureReason = null;
                    ctx.Saga.CompletedAt = Now;
                    Touch(ctx.Saga);
                })
                .TransitionTo(Completed));

        During(FetchingCrimes,
            When(FetchCrimesFaulted)
                .Then(ctx => Fail(ctx.Saga, "Fetching crimes failed: " + FirstExceptionMessage(ctx.Message)))
                .TransitionTo(Failed),
            When(LookupFailed)
                .Then(ctx => Fail(ctx.Saga, ctx.Message.Reason))
                .TransitionTo(Failed));

        foreach (var finished in new[] { Completed, NotFound, Unsupported, Failed })
        {
            WhenEnter(finished, x => x.Then(ctx => metrics?.Outcome(ctx.Saga.CurrentState)));
        }

        // Late or duplicate replies to an attempt that has already moved on change nothing.
        During(FetchingCrimes, Completed, NotFound, Unsupported,
            Ignore(PostcodeGeocoded), Ignore(PostcodeNotFound), Ignore(GeocodeFaulted));
        During(Completed, NotFound, Unsupported, Geocoding,
            Ignore(CrimesFetched), Ignore(FetchCrimesFaulted));
        During(Completed, NotFound, Unsupported, Failed, Ignore(LookupFailed));
        During(Failed, Ignore(GeocodeFaulted), Ignore(FetchCrimesFaulted));
        During(Geocoding, NotFound, Unsupported, Ignore(CoordinatesRequested));
        During(FetchingCrimes, Ignore(PostcodeGeocoded));
    }

    public State Geocoding { get; private set; } = null!;
    public State FetchingCrimes { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State NotFound { get; private set; } = null!;
    public State Unsupported { get; private set; } = null!;
    public State Failed { get; private set; } = null!;

    public Event<PostcodeRequested> PostcodeRequested { get; private set; } = null!;
    public Event<CoordinatesRequested> CoordinatesRequested { get; private set; } = null!;
    public Event<PostcodeGeocoded> PostcodeGeocoded { get; private set; } = null!;
    public Event<PostcodeNotFound> PostcodeNotFound { get; private set; } = null!;
    public Event<CrimesFetched> CrimesFetched { get; private set; } = null!;
    public Event<LookupFailed> LookupFailed { get; private set; } = null!;
    public Event<Fault<GeocodePostcode>> GeocodeFaulted { get; private set; } = null!;
    public Event<Fault<FetchCrimes>> FetchCrimesFaulted { get; private set; } = null!;

    private DateTimeOffset Now => _time.GetUtcNow();

    internal static Uri GeocodeQueue => GeocodeAddress;
    internal static Uri FetchCrimesQueue => FetchCrimesAddress;

    internal void BeginAttempt(CrimeLookupState saga)
    {
        saga.Attempts++;
        saga.AttemptStartedAt = Now;
        saga.FailureReason = null;
        saga.CompletedAt = null;
        Touch(saga);
    }

    internal void Touch(CrimeLookupState saga) => saga.UpdatedAt = Now;

    private void NoteRequest(CrimeLookupState saga, DateTimeOffset requestedAt)
    {
        if (saga.RequestCount == 0)
        {
            saga.CreatedAt = Now;
            saga.FirstRequestedAt = requestedAt;
        }

        saga.RequestCount++;
        if (requestedAt > saga.LastRequestedAt)
        {
            saga.LastRequestedAt = requestedAt;
        }

        Touch(saga);
    }

    private static void InitialisePostcode(CrimeLookupState saga, string postcode)
    {
        var key = LookupKey.For(Postcode.Parse(postcode));
        saga.LookupKey = key.Value;
        saga.Postcode = key.Postcode!.Value.Value;
    }

    private static void InitialiseCoordinates(CrimeLookupState saga, double latitude, double longitude)
    {
        var key = LookupKey.For(Coordinates.Create(latitude, longitude));
        saga.LookupKey = key.Value;
        saga.Latitude = key.Coordinates!.Value.Latitude;
        saga.Longitude = key.Coordinates!.Value.Longitude;
    }

    // The stuck clock runs from the attempt's start or its last re-send. Not from UpdatedAt: every request touches
    // UpdatedAt (the unsupported-postcode function reads by it) before this check runs, so measured from there an
    // attempt never looked stuck, and under steady traffic it never would.
    private bool IsStuck(CrimeLookupState saga) => Now - (saga.AttemptStartedAt ?? saga.CreatedAt) > _options.StuckAfter;

    // Re-sending restarts the clock: a popular stuck key is re-sent once per StuckAfter, not once per request.
    private void RestartStuckClock(CrimeLookupState saga)
    {
        saga.AttemptStartedAt = Now;
        Touch(saga);
    }

    private bool ShouldStartNewAttempt(CrimeLookupState saga) => !LookupFreshness.IsFresh(saga, _options, Now);

    private void Fail(CrimeLookupState saga, string reason, string? country = null)
    {
        saga.FailureReason = reason;
        saga.Country ??= country;
        saga.CompletedAt = Now;
        Touch(saga);
    }

    private static string FirstExceptionMessage<T>(Fault<T> fault) =>
        fault.Exceptions is { Length: > 0 } exceptions ? exceptions[0].Message : "unknown error";
}
