using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EventDriven.Sagas;

/// <summary>
/// The lookup saga: Geocoding → FetchingCrimes → Completed, with side exits NotFound, NoLocation, Unsupported and Failed
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
                        .Then(ctx => ctx.Saga.BeginAttempt(Now, months: null, requestedBy: null)) // nothing to fetch: no work in flight
                        .TransitionTo(Unsupported)
                        .PublishUnsupported(),
                    other => GeocodeAttempt(other, m => m.Months)),
            When(CoordinatesRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .Then(ctx => ctx.Saga.StartFrom(Coordinates.Create(ctx.Message.Latitude, ctx.Message.Longitude)))
                .Then(ctx => ctx.Saga.BeginAttempt(Now, ctx.Message.Months, ctx.Message.RequestedBy))
                .SendFetchCrimes()
                .TransitionTo(FetchingCrimes));

        // An attempt under way answers every duplicate request: counted, not re-run, unless it looks stuck or the request
        // resumes it after its commands were lost with a process (Resume). Months a request adds are fetched with the
        // rest once the point is known.
        During(Geocoding,
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .Then(ctx => ctx.Saga.WantMonths(ctx.Saga.MonthsMissing(ctx.Message.Months, ctx.Message.PoliceDataUpdated)))
                .If(ctx => ctx.Message.Resume || ctx.Saga.IsStuck(Now, _options.StuckAfter), stuck => stuck.Then(ctx => ctx.Saga.RestartStuckClock(Now)).SendGeocode()),
            GeocoderAnswers(),
            When(PostcodeNotFound)
                .Then(ctx => ctx.Saga.MarkNotFound(ctx.Message.Reason, Now))
                .TransitionTo(NotFound),
            When(GeocodeFaulted)
                .Then(ctx => ctx.Saga.Fail(LookupReasons.GeocoderUnavailable, "Geocoding failed: " + FirstExceptionMessage(ctx.Message), Now))
                .TransitionTo(Failed),
            When(LookupFailed)
                .Then(ctx => ctx.Saga.Fail(ctx.Message.Code ?? LookupReasons.LookupFailed, ctx.Message.Reason, Now))
                .TransitionTo(Failed),
            // A postcode key never receives coordinates; crimes are not asked for before the point is known.
            Ignore(CoordinatesRequested), Ignore(CrimesFetched), Ignore(FetchCrimesFaulted));

        // A request for months the attempt does not fetch yet sends a command for just those; the attempt completes
        // once every pending month is stored.
        During(FetchingCrimes,
            WhileFetching(When(PostcodeRequested), m => m.RequestedAt, m => m.Months, m => m.PoliceDataUpdated, m => m.Resume),
            WhileFetching(When(CoordinatesRequested), m => m.RequestedAt, m => m.Months, m => m.PoliceDataUpdated, m => m.Resume),
            When(CrimesFetched)
                .Then(ctx => StoreCrimes(ctx.Saga, ctx.Message))
                .If(ctx => ctx.Saga.PendingMonths.Count == 0, done => done.TransitionTo(Completed)),
            When(FetchCrimesFaulted)
                .Then(ctx => ctx.Saga.Fail(LookupReasons.CrimeDataUnavailable, "Fetching crimes failed: " + FirstExceptionMessage(ctx.Message), Now))
                .TransitionTo(Failed),
            When(LookupFailed)
                .Then(ctx => ctx.Saga.Fail(ctx.Message.Code ?? LookupReasons.LookupFailed, ctx.Message.Reason, Now))
                .TransitionTo(Failed),
            // Late or duplicate replies to the geocoding step change nothing.
            Ignore(PostcodeGeocoded), Ignore(PostcodeNotFound), Ignore(GeocodeFaulted));

        // Finished with crimes: they stand while they hold every month asked for and the police have not updated the data
        // since (as the requester knows it); otherwise a new attempt fetches the months asked for. The point is known, so
        // straight to the crimes. Late replies change nothing (their results are in the store for the next attempt).
        During(Completed,
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => !ctx.Saga.Answers(ctx.Message.Months, ctx.Message.PoliceDataUpdated, _options, Now), stale => CrimesAttempt(stale, m => m.Months)),
            When(CoordinatesRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => !ctx.Saga.Answers(ctx.Message.Months, ctx.Message.PoliceDataUpdated, _options, Now), stale => CrimesAttempt(stale, m => m.Months)),
            Ignore(PostcodeGeocoded), Ignore(PostcodeNotFound), Ignore(GeocodeFaulted),
            Ignore(CrimesFetched), Ignore(FetchCrimesFaulted), Ignore(LookupFailed));

        // The geocoder does not know the postcode: remembered for NotFoundFreshFor, then asked again.
        During(NotFound,
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => !ctx.Saga.IsFresh(_options, Now), stale => GeocodeAttempt(stale, m => m.Months)),
            Ignore(CoordinatesRequested),
            Ignore(PostcodeGeocoded), Ignore(PostcodeNotFound), Ignore(GeocodeFaulted),
            Ignore(CrimesFetched), Ignore(FetchCrimesFaulted), Ignore(LookupFailed));

        // The geocoder knows the postcode without a point (Channel Islands, Isle of Man): a final answer, remembered like
        // NotFound for NotFoundFreshFor, then asked again.
        During(NoLocation,
            When(PostcodeRequested)
                .Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now))
                .If(ctx => !ctx.Saga.IsFresh(_options, Now), stale => GeocodeAttempt(stale, m => m.Months)),
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
            GeocodeAttempt(When(PostcodeRequested).Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now)), m => m.Months),
            CrimesAttempt(When(CoordinatesRequested).Then(ctx => ctx.Saga.NoteRequest(ctx.Message.RequestedAt, Now)), m => m.Months),
            GeocoderAnswers(),
            When(PostcodeNotFound)
                .Then(ctx => ctx.Saga.MarkNotFound(ctx.Message.Reason, Now))
                .TransitionTo(NotFound),
            When(CrimesFetched)
                .Then(ctx => StoreCrimes(ctx.Saga, ctx.Message))
                .Then(ctx => ctx.Saga.ClearPendingMonths())
                .TransitionTo(Completed),
            Ignore(GeocodeFaulted), Ignore(FetchCrimesFaulted), Ignore(LookupFailed));

        foreach (var finished in new[] { Completed, NotFound, NoLocation, Unsupported, Failed })
        {
            WhenEnter(finished, x => x.Then(ctx => metrics?.Outcome(ctx.Saga.CurrentState)));
        }
    }

    public State Geocoding { get; private set; } = null!;
    public State FetchingCrimes { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State NotFound { get; private set; } = null!;
    public State NoLocation { get; private set; } = null!;
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
    /// to the crimes; no point (postcodes.io has such entries: its issues #310 and #426) is a final answer, NoLocation,
    /// not a failure (a failure is never fresh, so every request would ask the geocoder again).
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
                        .Then(ctx => ctx.Saga.MarkNoLocation(ctx.Message.Country, ctx.Message.PoliceForceArea, Now))
                        .TransitionTo(NoLocation),
                    located => located
                        .Then(ctx => ctx.Saga.Geocoded(
                            ctx.Message.Country, ctx.Message.PoliceForceArea, ctx.Message.Latitude!.Value, ctx.Message.Longitude!.Value, Now))
                        .SendFetchCrimes()
                        .TransitionTo(FetchingCrimes)));

    private void StoreCrimes(CrimeLookupState saga, CrimesFetched message) =>
        saga.CrimesStored(message.MonthsStored(), message.Month, message.TotalCrimes, message.DataSource, message.PoliceLastUpdated, message.PoliceDataUpdated, Now);

    /// <summary>
    /// A request while crimes are being fetched: months nobody fetches yet get a command of their own (the rest of the
    /// attempt goes on); otherwise it is a duplicate, which re-sends the attempt's command only when it looks stuck or resumes it (Resume).
    /// </summary>
    private EventActivityBinder<CrimeLookupState, TMessage> WhileFetching<TMessage>(
        EventActivityBinder<CrimeLookupState, TMessage> binder,
        Func<TMessage, DateTimeOffset> requestedAt,
        Func<TMessage, IReadOnlyList<string>?> months,
        Func<TMessage, string?> policeDataUpdated,
        Func<TMessage, bool> resume)
        where TMessage : class =>
        binder
            .Then(ctx => ctx.Saga.NoteRequest(requestedAt(ctx.Message), Now))
            .Then(ctx => ctx.Saga.WantMonths(ctx.Saga.MonthsMissing(months(ctx.Message), policeDataUpdated(ctx.Message))))
            .IfElse(
                ctx => ctx.Saga.MonthsAdded.Count > 0,
                more => more.SendFetchCrimes(ctx => ctx.Saga.MonthsAdded),
                duplicate => duplicate
                    .If(ctx => resume(ctx.Message) || ctx.Saga.IsStuck(Now, _options.StuckAfter),
                        stuck => stuck.Then(ctx => ctx.Saga.RestartStuckClock(Now)).SendFetchCrimes()));

    /// <summary>
    /// A new attempt at a postcode the area did not prove Scottish (a Scottish one stays Unsupported for good, so only
    /// the first request can find it): the geocoder first.
    /// </summary>
    private EventActivityBinder<CrimeLookupState, TMessage> GeocodeAttempt<TMessage>(
        EventActivityBinder<CrimeLookupState, TMessage> binder, Func<TMessage, IReadOnlyList<string>?> months)
        where TMessage : class =>
        binder
            .Then(ctx => ctx.Saga.BeginAttempt(Now, months(ctx.Message), RequesterOf(ctx.Message)))
            .SendGeocode()
            .TransitionTo(Geocoding);

    /// <summary>A new attempt at a known point (coordinates, or a postcode already geocoded): straight to the crimes.</summary>
    private EventActivityBinder<CrimeLookupState, TMessage> CrimesAttempt<TMessage>(
        EventActivityBinder<CrimeLookupState, TMessage> binder, Func<TMessage, IReadOnlyList<string>?> months)
        where TMessage : class =>
        binder
            .Then(ctx => ctx.Saga.BeginAttempt(Now, months(ctx.Message), RequesterOf(ctx.Message)))
            .SendFetchCrimes()
            .TransitionTo(FetchingCrimes);

    /// <summary>The client whose request starts an attempt (requests are the only messages that start one).</summary>
    private static string? RequesterOf(object message) => message switch
    {
        PostcodeRequested postcode => postcode.RequestedBy,
        CoordinatesRequested coordinates => coordinates.RequestedBy,
        _ => null,
    };

    private static string FirstExceptionMessage<T>(Fault<T> fault) =>
        fault.Exceptions is { Length: > 0 } exceptions ? exceptions[0].Message : "unknown error";
}
