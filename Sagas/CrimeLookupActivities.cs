using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;

namespace EventDriven.Sagas;

/// <summary>Reusable steps of <see cref="CrimeLookupStateMachine"/>, so each transition reads as one line.</summary>
internal static class CrimeLookupActivities
{
    public static EventActivityBinder<CrimeLookupState, TMessage> StartPostcodeAttempt<TMessage>(
        this EventActivityBinder<CrimeLookupState, TMessage> binder, CrimeLookupStateMachine machine)
        where TMessage : class =>
        binder
            .Then(ctx => machine.BeginAttempt(ctx.Saga))
            .IfElse(
                ctx => ScottishPostcodeAreas.IsCertainlyScottish(Postcode.Parse(ctx.Saga.Postcode!)),
                scottish => scottish
                    .Then(ctx => ctx.Saga.Country = ScottishPostcodeAreas.ScotlandCountry)
                    .TransitionTo(machine.Unsupported)
                    .PublishUnsupported(),
                other => other
                    .SendGeocode()
                    .TransitionTo(machine.Geocoding));

    public static EventActivityBinder<CrimeLookupState, TMessage> StartCoordinatesAttempt<TMessage>(
        this EventActivityBinder<CrimeLookupState, TMessage> binder, CrimeLookupStateMachine machine)
        where TMessage : class =>
        binder
            .Then(ctx => machine.BeginAttempt(ctx.Saga))
            .SendFetchCrimes()
            .TransitionTo(machine.FetchingCrimes);

    public static EventActivityBinder<CrimeLookupState, TMessage> SendGeocode<TMessage>(
        this EventActivityBinder<CrimeLookupState, TMessage> binder)
        where TMessage : class =>
        binder.Send(CrimeLookupStateMachine.GeocodeQueue, ctx => new GeocodePostcode(ctx.Saga.CorrelationId, ctx.Saga.Postcode!));

    public static EventActivityBinder<CrimeLookupState, TMessage> SendFetchCrimes<TMessage>(
        this EventActivityBinder<CrimeLookupState, TMessage> binder)
        where TMessage : class =>
        binder.Send(CrimeLookupStateMachine.FetchCrimesQueue, ctx => new FetchCrimes(
            ctx.Saga.CorrelationId, ctx.Saga.LookupKey, ctx.Saga.Latitude!.Value, ctx.Saga.Longitude!.Value, ctx.Saga.Postcode));

    public static EventActivityBinder<CrimeLookupState, TMessage> PublishUnsupported<TMessage>(
        this EventActivityBinder<CrimeLookupState, TMessage> binder)
        where TMessage : class =>
        binder.Publish(ctx => new UnsupportedPostcodeRequested(
            ctx.Saga.CorrelationId, ctx.Saga.Postcode!, ctx.Saga.Country ?? ScottishPostcodeAreas.ScotlandCountry, ctx.Saga.LastRequestedAt));
}
