using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Persistence;
using EventDriven.Sagas;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Lookups;

/// <summary>
/// What both APIs do with a valid query: answer from the results store when a fresh answer exists, otherwise send the
/// request to the saga (which de-duplicates by key), record the acceptance where every API instance reads, and accept it.
/// </summary>
public sealed class LookupService(
    ILookupStateReader states,
    ISendEndpointProvider sender,
    IAcceptedLookups acceptedLookups,
    LookupResultSerializer serializer,
    TimeProvider time,
    IOptions<LookupOptions> options)
{
    /// <summary>How long a send may take before the broker counts as down.</summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);

    public async Task<LookupAnswer> RequestAsync(LookupKey key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = await states.GetAsync(key.CorrelationId, cancellationToken).ConfigureAwait(false);

        if (state is not null && state.IsFresh(options.Value, now))
        {
            switch (state.Status)
            {
                case LookupStatus.Completed when state.Month is { } month && state.CompletedAt is { } completedAt:
                    var answer = await serializer.GetOrLoadAsync(key.Value, month, completedAt, cancellationToken).ConfigureAwait(false);
                    if (answer is not null)
                    {
                        return new LookupAnswer.Completed(answer);
                    }

                    break; // result expired before the instance: fetch again
                case LookupStatus.NotFound:
                    return new LookupAnswer.NotFound(key.CorrelationId, state.Reason ?? "Postcode not found");
                case LookupStatus.Unsupported:
                    // Counted by the saga for the unsupported-postcode registry.
                    await PublishRequestAsync(key, now, cancellationToken).ConfigureAwait(false);
                    return new LookupAnswer.Unsupported(key.CorrelationId, LookupReasons.Unsupported);
            }
        }

        await PublishRequestAsync(key, now, cancellationToken).ConfigureAwait(false);

        if (state is null && key.Postcode is { } postcode && ScottishPostcodeAreas.IsScottish(postcode, country: null) == true)
        {
            return new LookupAnswer.Unsupported(key.CorrelationId, LookupReasons.Unsupported);
        }

        // Recorded after the request is on the bus (a failed send leaves no record behind a 503) and before the 202, so
        // that a poll reaching any API instance next finds the lookup.
        await acceptedLookups.RecordAsync(key, state, now, cancellationToken).ConfigureAwait(false);
        var status = state is not null && LookupStatus.IsTerminal(state.Status) ? InitialStatusOf(key) : ReportedStatusOf(state) ?? InitialStatusOf(key);
        return new LookupAnswer.Accepted(key.CorrelationId, status);
    }

    /// <summary>
    /// What <c>GET /lookups/{id}</c> answers: the saga's view of the lookup, or null for an unknown id. A completed lookup
    /// carries its result as the same cached bytes <c>/postcode</c> serves. A request accepted by any API instance and not
    /// yet seen by the saga reports the attempt it starts, never the old outcome or "unknown".
    /// </summary>
    public async Task<IResult?> GetStatusAsync(Guid lookupId, CancellationToken cancellationToken)
    {
        var state = await states.GetAsync(lookupId, cancellationToken).ConfigureAwait(false);
        if (state is null || !state.IsStarted)
        {
            return null;
        }

        var status = LookupStatusResponse.From(state);
        if (state.IsAwaitingSaga)
        {
            return TypedResults.Ok(status with { Status = ReportedStatusOf(state)!, Reason = null });
        }

        if (state.Status == LookupStatus.Completed && state.Month is { } month && state.CompletedAt is { } completedAt &&
            await serializer.GetOrLoadAsync(state.LookupKey, month, completedAt, cancellationToken).ConfigureAwait(false) is { } result)
        {
            return new SerializedLookupStatus(status, result, serializer.JsonOptions);
        }

        return TypedResults.Ok(status);
    }

    private async Task PublishRequestAsync(LookupKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        try
        {
            await sender.SendAsync(key, now, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or MassTransitException && !cancellationToken.IsCancellationRequested)
        {
            throw new BusUnavailableException("The message bus did not accept the lookup request; try again shortly.", e);
        }
    }

    private static string InitialStatusOf(LookupKey key) => key.Postcode is not null ? LookupStatus.Geocoding : LookupStatus.FetchingCrimes;

    /// <summary>
    /// The status a client is told: the saga's, except for a request the saga has not seen yet, which reports the first
    /// state of the attempt it starts (geocoding for a postcode, the crimes for a point). Null for no lookup.
    /// </summary>
    private static string? ReportedStatusOf(LookupSnapshot? state) => state switch
    {
        null => null,
        { IsAwaitingSaga: true } => state.Postcode is not null ? LookupStatus.Geocoding : LookupStatus.FetchingCrimes,
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

    public sealed record NotFound(Guid LookupId, string Reason) : LookupAnswer;

    public sealed record Unsupported(Guid LookupId, string Reason) : LookupAnswer;
}
