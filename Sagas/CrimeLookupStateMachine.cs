using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EventDriven.Sagas;

/// <summary>
/// The lookup saga: Geocoding → FetchingCrimes → Completed, with side exits NotFound, Unsupported and Failed
/// (docs/architecture.md has the state diagram; a test checks it against this machine). One <c>During</c> block per
/// state, in the diagram's order, says everything that state does with every event. Duplicate requests for a key whose
/// attempt is under way are counted, not re-run: one upstream call per key.
/// </summary>
public sealed class CrimeLookupStateMachine : MassTransitStateMachine<CrimeLookupState>
{
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
            // The postcode is parsed once, here: its area may already prove it Scottish.
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .Then(ctx => ctx.Saga.StartFrom(Postcode.Parse(ctx.Message.Postcode)))
                .IfElse(
                    ctx => ctx.Saga.IsScottish,
                    scottish => scottish
                        .Then(ctx => ctx.Saga.BeginAttempt(Now))
                        .TransitionTo(Unsupported)
                        .PublishUnsupported(),
                    other => GeocodeAttempt(other)),
            When(CoordinatesRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .Then(ctx => ctx.Saga.StartFrom(Coordinates.Create(ctx.Message.Latitude, ctx.Message.Longitude)))
                .Then(ctx => ctx.Saga.BeginAttempt(Now))
                .SendFetchCrimes()
                .TransitionTo(FetchingCrimes));

        // An attempt under way answers every duplicate request: counted, not re-run, unless it looks stuck or the request
        // resumes it after its commands were lost with a process (Resume).
        During(Geocoding,
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => ctx.Message.Resume || ctx.Saga.IsStuck(Now, _options.StuckAfter), stuck => stuck.Then(ctx => ctx.Saga.RestartStuckClock(Now)).SendGeocode()),
            GeocoderAnswers(),
            When(PostcodeNotFound)
                .Then(ctx => ctx.Saga.MarkNotFound(ctx.Message.Reason, Now))
                .TransitionTo(NotFound),
            When(GeocodeFaulted)
                .Then(ctx => ctx.Saga.Fail("Geocoding failed: " + FirstExceptionMessage(ctx.Message), Now))
                .TransitionTo(Failed),
            When(LookupFailed)
                .Then(ctx => ctx.Saga.Fail(ctx.Message.Reason, Now))
                .TransitionTo(Failed),
            // A postcode key never receives coordinates; crimes are not asked for before the point is known.
            Ignore(CoordinatesRequested), Ignore(CrimesFetched), Ignore(FetchCrimesFaulted));

        During(FetchingCrimes,
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => ctx.Message.Resume || ctx.Saga.IsStuck(Now, _options.StuckAfter), stuck => stuck.Then(ctx => ctx.Saga.RestartStuckClock(Now)).SendFetchCrimes()),
            When(CoordinatesRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => ctx.Message.Resume || ctx.Saga.IsStuck(Now, _options.StuckAfter), stuck => stuck.Then(ctx => ctx.Saga.RestartStuckClock(Now)).SendFetchCrimes()),
            CrimesArrive(),
            When(FetchCrimesFaulted)
                .Then(ctx => ctx.Saga.Fail("Fetching crimes failed: " + FirstExceptionMessage(ctx.Message), Now))
                .TransitionTo(Failed),
            When(LookupFailed)
                .Then(ctx => ctx.Saga.Fail(ctx.Message.Reason, Now))
                .TransitionTo(Failed),
            // Late or duplicate replies to the geocoding step change nothing.
            Ignore(PostcodeGeocoded), Ignore(PostcodeNotFound), Ignore(GeocodeFaulted));

        // Finished with an answer: a fresh one stands; a stale one starts a new attempt. Late replies change nothing.
        During(Completed,
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => !ctx.Saga.IsFresh(_options, Now), GeocodeAttempt),
            When(CoordinatesRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => !ctx.Saga.IsFresh(_options, Now), CrimesAttempt),
            Ignore(PostcodeGeocoded), Ignore(PostcodeNotFound), Ignore(GeocodeFaulted),
            Ignore(CrimesFetched), Ignore(FetchCrimesFaulted), Ignore(LookupFailed));

        // The geocoder does not know the postcode: remembered for NotFoundFreshFor, then asked again.
        During(NotFound,
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => !ctx.Saga.IsFresh(_options, Now), GeocodeAttempt),
            Ignore(CoordinatesRequested),
            Ignore(PostcodeGeocoded), Ignore(PostcodeNotFound), Ignore(GeocodeFaulted),
            Ignore(CrimesFetched), Ignore(FetchCrimesFaulted), Ignore(LookupFailed));

        // Scotland does not become supported over time: every request is counted for the registry.
        During(Unsupported,
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .PublishUnsupported(),
            Ignore(CoordinatesRequested),
            Ignore(PostcodeGeocoded), Ignore(PostcodeNotFound), Ignore(GeocodeFaulted),
            Ignore(CrimesFetched), Ignore(FetchCrimesFaulted), Ignore(LookupFailed));

        // A failure is never fresh: the next request starts a new attempt. A dead-lettered command replayed after an
        // outage answers here too, and its answer completes the lookup.
        During(Failed,
            GeocodeAttempt(When(PostcodeRequested).Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))),
            CrimesAttempt(When(CoordinatesRequested).Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))),
            GeocoderAnswers(),
            When(PostcodeNotFound)
                .Then(ctx => ctx.Saga.MarkNotFound(ctx.Message.Reason, Now))
                .TransitionTo(NotFound),
            CrimesArrive(),
            Ignore(GeocodeFaulted), Ignore(FetchCrimesFaulted), Ignore(LookupFailed));

        foreach (var finished in new[] { Completed, NotFound, Unsupported, Failed })
        {
            WhenEnter(finished, x => x.Then(ctx => metrics?.Outcome(ctx.Saga.CurrentState)));
        }
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

    /// <summary>
    /// The geocoder knows the postcode: its country settles Scotland for cross-border areas; a point moves the lookup on
    /// to the crimes; no point (postcodes.io has such entries) fails it.
    /// </summary>
    private EventActivityBinder<CrimeLookupState, PostcodeGeocoded> GeocoderAnswers() =>
        When(PostcodeGeocoded)
            .IfElse(
                ctx => ScottishPostcodeAreas.IsScottish(postcode: null, ctx.Message.Country) == true,
                scottish => scottish
                    .Then(ctx => ctx.Saga.MarkUnsupported(ctx.Message.Country!, Now))
                    .TransitionTo(Unsupported)
                    .PublishUnsupported(),
                elsewhere => elsewhere.IfElse(
                    ctx => ctx.Message.Latitude is null || ctx.Message.Longitude is null,
                    pointless => pointless
                        .Then(ctx => ctx.Saga.Fail("The geocoder knows this postcode but has no coordinates for it.", Now, ctx.Message.Country))
                        .TransitionTo(Failed),
                    located => located
                        .Then(ctx => ctx.Saga.Geocoded(ctx.Message.Country, ctx.Message.Latitude!.Value, ctx.Message.Longitude!.Value, Now))
                        .SendFetchCrimes()
                        .TransitionTo(FetchingCrimes)));

    private EventActivityBinder<CrimeLookupState, CrimesFetched> CrimesArrive() =>
        When(CrimesFetched)
            .Then(ctx => ctx.Saga.Complete(ctx.Message.Month, ctx.Message.TotalCrimes, ctx.Message.DataSource, Now))
            .TransitionTo(Completed);

    /// <summary>
    /// A new attempt at a postcode the area did not prove Scottish (a Scottish one stays Unsupported for good, so only
    /// the first request can find it): the geocoder first.
    /// </summary>
    private EventActivityBinder<CrimeLookupState, TMessage> GeocodeAttempt<TMessage>(EventActivityBinder<CrimeLookupState, TMessage> binder)
        where TMessage : class =>
        binder
            .Then(ctx => ctx.Saga.BeginAttempt(Now))
            .SendGeocode()
            .TransitionTo(Geocoding);

    /// <summary>A new attempt at a point: straight to the crimes.</summary>
    private EventActivityBinder<CrimeLookupState, TMessage> CrimesAttempt<TMessage>(EventActivityBinder<CrimeLookupState, TMessage> binder)
        where TMessage : class =>
        binder
            .Then(ctx => ctx.Saga.BeginAttempt(Now))
            .SendFetchCrimes()
            .TransitionTo(FetchingCrimes);

    private static string FirstExceptionMessage<T>(Fault<T> fault) =>
        fault.Exceptions is { Length: > 0 } exceptions ? exceptions[0].Message : "unknown error";
}
