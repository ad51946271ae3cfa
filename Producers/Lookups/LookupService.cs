using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using EventDriven.Persistence;
using EventDriven.Sagas;
using MassTransit;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Lookups;

/// <summary>
/// What both APIs do with a valid query: answer from the results store when a fresh answer exists, otherwise
/// publish the request (the saga de-duplicates by key) and accept it.
/// </summary>
public sealed class LookupService(
    ILookupStateReader states,
    IPublishEndpoint publisher,
    IMemoryCache recentlyAccepted,
    LookupResultSerializer serializer,
    ClientLookupBudget budget,
    TimeProvider time,
    IOptions<LookupOptions> options)
{
    /// <summary>How long a publish may take before the broker counts as down.</summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Covers the moment between 202 and the saga creating its instance, when a poll would otherwise 404.</summary>
    private static readonly TimeSpan AcceptedMemory = TimeSpan.FromMinutes(10);

    /// <param name="requestedBy">The client's tag (<c>ClientPartition.TagOf</c>): new work counts against its lookups in flight.</param>
    public async Task<LookupAnswer> RequestAsync(LookupKey key, string requestedBy, CancellationToken cancellationToken)
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
                    return new LookupAnswer.NotFound(key.CorrelationId, state.ReasonCode ?? LookupReasons.PostcodeNotFound);
                case LookupStatus.Unsupported:
                    // Counted by the saga for the unsupported-postcode registry.
                    await PublishRequestAsync(key, now, requestedBy, cancellationToken).ConfigureAwait(false);
                    return new LookupAnswer.Unsupported(key.CorrelationId, LookupReasons.UnsupportedArea);
            }
        }

        var scottish = state is null && key.Postcode is { } postcode && ScottishPostcodeAreas.IsScottish(postcode, country: null) == true;
        // New work (no attempt under way, and not settled by the area alone) counts against the client's lookups in flight.
        var startsWork = !scottish && (state is null || LookupStatus.IsTerminal(state.Status));
        if (startsWork && !await budget.TryAdmitAsync(requestedBy, key.CorrelationId, cancellationToken).ConfigureAwait(false))
        {
            return new LookupAnswer.TooManyInFlight(budget.Limit);
        }

        await PublishRequestAsync(key, now, requestedBy, cancellationToken).ConfigureAwait(false);

        if (scottish)
        {
            return new LookupAnswer.Unsupported(key.CorrelationId, LookupReasons.UnsupportedArea);
        }

        var status = state is not null && !LookupStatus.IsTerminal(state.Status) ? state.Status : InitialStatusOf(key);
        recentlyAccepted.Set(key.CorrelationId, new AcceptedLookup(key, status, now), AcceptedMemory);
        return new LookupAnswer.Accepted(key.CorrelationId, status);
    }

    /// <summary>
    /// What <c>GET /lookups/{id}</c> answers: the saga's view of the lookup, or null for an unknown id. A completed lookup
    /// carries its result as the same cached bytes <c>/postcode</c> serves.
    /// </summary>
    public async Task<IResult?> GetStatusAsync(Guid lookupId, CancellationToken cancellationToken)
    {
        var state = await states.GetAsync(lookupId, cancellationToken).ConfigureAwait(false);
        recentlyAccepted.TryGetValue(lookupId, out AcceptedLookup? accepted);
        if (state is null || !state.IsStarted)
        {
            return accepted is not null
                ? TypedResults.Ok(LookupStatusResponse.Accepted(lookupId, accepted.Status, QueryOf(accepted.Key), attempts: 0))
                : null;
        }

        // A new attempt was accepted but the saga has not seen it yet: report it as started, not the old outcome.
        if (accepted is not null && accepted.AcceptedAt > state.UpdatedAt && LookupStatus.IsTerminal(state.Status))
        {
            return TypedResults.Ok(LookupStatusResponse.Accepted(lookupId, accepted.Status, QueryOf(accepted.Key), state.Attempts));
        }

        var status = LookupStatusResponse.From(state);
        if (state.Status == LookupStatus.Completed && state.Month is { } month && state.CompletedAt is { } completedAt &&
            await serializer.GetOrLoadAsync(state.LookupKey, month, completedAt, cancellationToken).ConfigureAwait(false) is { } result)
        {
            return new SerializedLookupStatus(status, result, serializer.JsonOptions);
        }

        return TypedResults.Ok(status);
    }

    private async Task PublishRequestAsync(LookupKey key, DateTimeOffset now, string requestedBy, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        try
        {
            if (key.Postcode is { } postcode)
            {
                await publisher.Publish(new PostcodeRequested(key.CorrelationId, postcode.Value, now, requestedBy), timeout.Token).ConfigureAwait(false);
            }
            else
            {
                var point = key.Coordinates!.Value;
                await publisher.Publish(new CoordinatesRequested(key.CorrelationId, point.Latitude, point.Longitude, now, requestedBy), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or MassTransitException && !cancellationToken.IsCancellationRequested)
        {
            throw new BusUnavailableException("The message bus did not accept the lookup request; try again shortly.", e);
        }
    }

    private static string InitialStatusOf(LookupKey key) => key.Postcode is not null ? LookupStatus.Geocoding : LookupStatus.FetchingCrimes;

    private static Contracts.Results.LookupQuery QueryOf(LookupKey key) => key.Postcode is { } postcode
        ? new Contracts.Results.LookupQuery(postcode.Value, null, null)
        : new Contracts.Results.LookupQuery(null, key.Coordinates!.Value.Latitude, key.Coordinates!.Value.Longitude);

    private sealed record AcceptedLookup(LookupKey Key, string Status, DateTimeOffset AcceptedAt);
}

public abstract record LookupAnswer
{
    private LookupAnswer()
    {
    }

    public sealed record Completed(SerializedLookupResult Result) : LookupAnswer;

    public sealed record Accepted(Guid LookupId, string Status) : LookupAnswer;

    /// <param name="ReasonCode">One of <see cref="LookupReasons"/>.</param>
    public sealed record NotFound(Guid LookupId, string ReasonCode) : LookupAnswer;

    /// <param name="ReasonCode">One of <see cref="LookupReasons"/>.</param>
    public sealed record Unsupported(Guid LookupId, string ReasonCode) : LookupAnswer;

    /// <summary>The client already has <paramref name="Limit"/> lookups in flight: nothing was started.</summary>
    public sealed record TooManyInFlight(int Limit) : LookupAnswer;
}
