using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;

namespace EventDriven.Sagas;

/// <summary>The commands and events <see cref="CrimeLookupStateMachine"/> sends and publishes, built from the instance alone.</summary>
internal static class CrimeLookupActivities
{
    public static readonly Uri GeocodeQueue = new($"queue:{QueueNames.GeocodePostcode}");
    public static readonly Uri FetchCrimesQueue = new($"queue:{QueueNames.FetchCrimes}");

    public static EventActivityBinder<CrimeLookupState, TMessage> SendGeocode<TMessage>(this EventActivityBinder<CrimeLookupState, TMessage> binder)
        where TMessage : class =>
        binder.Send(GeocodeQueue, ctx => new GeocodePostcode(ctx.Saga.CorrelationId, ctx.Saga.Postcode!));

    /// <summary>Fetch the attempt's pending months (none: the newest, sent as no months at all).</summary>
    public static EventActivityBinder<CrimeLookupState, TMessage> SendFetchCrimes<TMessage>(this EventActivityBinder<CrimeLookupState, TMessage> binder)
        where TMessage : class =>
        binder.SendFetchCrimes(ctx => ctx.Saga.PendingMonths.Count > 0 ? [.. ctx.Saga.PendingMonths] : null);

    /// <summary>Fetch the given months.</summary>
    public static EventActivityBinder<CrimeLookupState, TMessage> SendFetchCrimes<TMessage>(
        this EventActivityBinder<CrimeLookupState, TMessage> binder, Func<BehaviorContext<CrimeLookupState, TMessage>, IReadOnlyList<string>?> months)
        where TMessage : class =>
        binder.Send(FetchCrimesQueue, ctx => new FetchCrimes(
            ctx.Saga.CorrelationId, ctx.Saga.LookupKey, ctx.Saga.Latitude!.Value, ctx.Saga.Longitude!.Value, ctx.Saga.Postcode,
            months(ctx), ctx.Saga.PoliceForceArea, ctx.Saga.AttemptRequestedBy));

    public static EventActivityBinder<CrimeLookupState, TMessage> PublishUnsupported<TMessage>(this EventActivityBinder<CrimeLookupState, TMessage> binder)
        where TMessage : class =>
        binder.Publish(ctx => new UnsupportedPostcodeRequested(
            ctx.Saga.CorrelationId, ctx.Saga.Postcode!, ctx.Saga.Country ?? ScottishPostcodeAreas.ScotlandCountry, ctx.Saga.LastRequestedAt));
}
