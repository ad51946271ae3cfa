using System.Globalization;
using EventDriven.Contracts;
using EventDriven.Contracts.Police;
using EventDriven.Contracts.Values;
using EventDriven.Hosting.Bus;
using EventDriven.Persistence;
using EventDriven.Producers.Http;
using EventDriven.Sagas;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Lookups;

/// <summary>
/// What both APIs do with a valid query: answer from the results store when a fresh answer exists, otherwise send the
/// request to the saga (which de-duplicates by key), record the acceptance where every API instance reads, and accept
/// it. Fresh means what the police have published
/// says so: the months asked for are stored, fetched since the police last updated the data (the fleet's one record of
/// their publication), so every instance decides alike.
/// </summary>
public sealed class LookupService(
    ILookupStateReader states,
    IPolicePublicationStore publications,
    ISendEndpointProvider sender,
    IAcceptedLookups acceptedLookups,
    LookupResultSerializer serializer,
    ClientLookupBudget budget,
    TimeProvider time,
    IOptions<LookupOptions> options)
{
    /// <summary>How long a send may take before the broker counts as down.</summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The police's publication as the fleet last checked it (null before the first check): what selections are resolved against.</summary>
    public ValueTask<PolicePublication?> PublicationAsync(CancellationToken cancellationToken) => publications.GetAsync(cancellationToken);

    /// <param name="requestedBy">The client's tag (<c>ClientPartition.TagOf</c>): new work counts against its lookups in flight.</param>
    public async Task<LookupAnswer> RequestAsync(
        LookupKey key, ResultSelection selection, PolicePublication? publication, string requestedBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = await states.GetAsync(key.CorrelationId, cancellationToken).ConfigureAwait(false);
        var dataUpdated = publication?.DataUpdated;

        if (state is not null && state.IsStarted)
        {
            switch (state.Status)
            {
                case LookupStatus.NotFound when state.IsFresh(options.Value, now):
                    return new LookupAnswer.NotFound(key.CorrelationId, state.ReasonCode ?? LookupReasons.PostcodeNotFound, state.Reason);
                case LookupStatus.NoLocation when state.IsFresh(options.Value, now):
                    return new LookupAnswer.NoLocation(key.CorrelationId, LookupReasons.PostcodeWithoutLocation);
                case LookupStatus.Unsupported:
                    // Counted by the saga for the unsupported-postcode registry.
                    await PublishRequestAsync(key, [], null, now, requestedBy, cancellationToken).ConfigureAwait(false);
                    return new LookupAnswer.Unsupported(key.CorrelationId, LookupReasons.UnsupportedArea);
                case LookupStatus.NotFound or LookupStatus.NoLocation:
                    break;
                // Crimes stored under the police's current publication answer whatever the saga is doing now: an old
                // month stays readable while a new attempt fetches the newest.
                default:
                    if (state.Answers(selection.Months, dataUpdated, options.Value, now))
                    {
                        if (await serializer.GetOrLoadAsync(state, selection, cancellationToken).ConfigureAwait(false) is { } answer)
                        {
                            return new LookupAnswer.Completed(new SerializedLookupResult(answer, CacheControlFor(state, publication, now)));
                        }

                        // The store no longer holds a month the saga counts on (its retention passed while the police
                        // published nothing): asked for without the publication, the saga judges by its clock and fetches again.
                        dataUpdated = null;
                    }

                    break;
            }
        }

        var scottish = state is null && key.Postcode is { } postcode && ScottishPostcodeAreas.IsScottish(postcode, country: null) == true;
        // New work (no attempt under way, and not settled by the area alone) counts against the client's lookups in flight.
        var startsWork = !scottish && (state is null || LookupStatus.IsTerminal(state.Status));
        if (startsWork && !await budget.TryAdmitAsync(requestedBy, key.CorrelationId, cancellationToken).ConfigureAwait(false))
        {
            return new LookupAnswer.TooManyInFlight(budget.Limit);
        }

        await PublishRequestAsync(key, selection.Months, dataUpdated, now, requestedBy, cancellationToken).ConfigureAwait(false);

        if (scottish)
        {
            return new LookupAnswer.Unsupported(key.CorrelationId, LookupReasons.UnsupportedArea);
        }

        // Recorded after the request is on the bus (a failed send leaves no record behind a 503) and before the 202, so
        // that a poll reaching any API instance next finds the lookup.
        await acceptedLookups.RecordAsync(key, state, now, requestedBy, cancellationToken).ConfigureAwait(false);
        var status = state is not null && LookupStatus.IsTerminal(state.Status) ? NewAttemptStatusOf(key, state) : ReportedStatusOf(key, state);
        return new LookupAnswer.Accepted(key.CorrelationId, status);
    }

    /// <summary>
    /// What <c>GET /lookups/{id}</c> answers: the saga's view of the lookup, or null for an unknown id. Once the months the
    /// poll asks for are stored it is Completed, with the result as the same cached bytes <c>/postcode</c> serves. A
    /// request accepted by any API instance and not yet seen by the saga reports the attempt it starts, never the old
    /// outcome or "unknown".
    /// </summary>
    /// <param name="requestedBy">The polling client's tag: months the poll adds to a completed lookup are new work, counted against its lookups in flight.</param>
    public async Task<IResult?> GetStatusAsync(
        Guid lookupId, ResultSelection selection, PolicePublication? publication, string requestedBy, HttpResponse response, CancellationToken cancellationToken)
    {
        var state = await states.GetAsync(lookupId, cancellationToken).ConfigureAwait(false);
        if (state is null || !state.IsStarted || !LookupKey.TryParse(state.LookupKey, out var key))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var status = LookupStatusResponse.From(state);
        if (state.IsAwaitingSaga)
        {
            // Accepted (by any instance) and not yet seen by the saga: the attempt it starts, not the old outcome.
            return TypedResults.Ok(status with { Status = ReportedStatusOf(key, state), Reason = null, ReasonCode = null });
        }

        if (state.Status is not (LookupStatus.NotFound or LookupStatus.NoLocation or LookupStatus.Unsupported) &&
            state.Answers(selection.Months, publication?.DataUpdated, options.Value, now) &&
            await serializer.GetOrLoadAsync(state, selection, cancellationToken).ConfigureAwait(false) is { } result)
        {
            return new SerializedLookupStatus(status with { Status = LookupStatus.Completed, Reason = null, ReasonCode = null }, result, serializer.JsonOptions);
        }

        if (state.Status == LookupStatus.Completed)
        {
            // Completed, but not with the months this poll asks for (its request has not reached the saga yet, or was
            // never sent): ask for them (the saga de-duplicates) and say so, rather than "Completed" without a result.
            // That is new work for the police like any request's: polls of many finished lookups, each with other
            // months, must not get past the client's lookups in flight.
            if (!await budget.TryAdmitAsync(requestedBy, lookupId, cancellationToken).ConfigureAwait(false))
            {
                return Problems.TooManyLookupsInFlight(response, budget.Limit, ClientLookupBudget.StoreLag);
            }

            await PublishRequestAsync(key, selection.Months, publication?.DataUpdated, now, requestedBy, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(status with { Status = LookupStatus.FetchingCrimes, Reason = null, ReasonCode = null });
        }

        return TypedResults.Ok(status);
    }

    /// <summary>
    /// How long a cache may keep the answer without asking again (RFC 9111 <c>max-age</c>): until the fleet's next
    /// check of the police's publication could change it; while the publication is unknown, what the clock leaves.
    /// </summary>
    private string CacheControlFor(LookupSnapshot state, PolicePublication? publication, DateTimeOffset now)
    {
        var left = publication is not null
            ? publication.CheckedAt + options.Value.PublicationCheckInterval - now
            : (state.CompletedAt ?? now) + options.Value.ResultsFreshFor - now;
        var seconds = Math.Max(0, (long)left.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"public, max-age={seconds}");
    }

    private async Task PublishRequestAsync(
        LookupKey key, IReadOnlyList<string> months, string? policeDataUpdated, DateTimeOffset now, string? requestedBy,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        try
        {
            await sender.SendAsync(key, now, months, policeDataUpdated, requestedBy, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or MassTransitException && !cancellationToken.IsCancellationRequested)
        {
            throw new BusUnavailableException("The message bus did not accept the lookup request; try again shortly.", e);
        }
    }

    private static string InitialStatusOf(LookupKey key) => key.Postcode is not null ? LookupStatus.Geocoding : LookupStatus.FetchingCrimes;

    /// <summary>The first state of a new attempt at a finished lookup: a completed one's point is known, so the crimes.</summary>
    private static string NewAttemptStatusOf(LookupKey key, LookupSnapshot finished) =>
        finished.Status == LookupStatus.Completed ? LookupStatus.FetchingCrimes : InitialStatusOf(key);

    /// <summary>
    /// The status a client is told: the saga's, except for a request the saga has not seen yet, which reports the first
    /// state of the attempt it starts. No lookup yet: the first state of a new one.
    /// </summary>
    private static string ReportedStatusOf(LookupKey key, LookupSnapshot? state) => state switch
    {
        null or { Status: LookupStateDiagram.InitialState } => InitialStatusOf(key),
        { IsAwaitingSaga: true } => NewAttemptStatusOf(key, state),
        _ => state.Status,
    };
}

public abstract record LookupAnswer
{
    private LookupAnswer()
    {
    }

    public sealed record Completed(SerializedLookupResult Result) : LookupAnswer;

    public sealed record Accepted(Guid LookupId, string Status) : LookupAnswer;

    /// <param name="ReasonCode">One of <see cref="LookupReasons"/>.</param>
    /// <param name="Reason">The saga's reason (a terminated postcode's says when it ended).</param>
    public sealed record NotFound(Guid LookupId, string ReasonCode, string? Reason) : LookupAnswer;

    /// <param name="ReasonCode">One of <see cref="LookupReasons"/>.</param>
    public sealed record NoLocation(Guid LookupId, string ReasonCode) : LookupAnswer;

    /// <param name="ReasonCode">One of <see cref="LookupReasons"/>.</param>
    public sealed record Unsupported(Guid LookupId, string ReasonCode) : LookupAnswer;

    /// <summary>The client already has <paramref name="Limit"/> lookups in flight: nothing was started.</summary>
    public sealed record TooManyInFlight(int Limit) : LookupAnswer;
}
