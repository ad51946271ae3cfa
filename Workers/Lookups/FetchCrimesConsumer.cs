using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Police;
using EventDriven.Contracts.Results;
using EventDriven.Persistence;
using EventDriven.Workers.Publication;
using EventDriven.Workers.Upstreams;
using MassTransit;

namespace EventDriven.Workers.Lookups;

/// <summary>
/// Fetches the street crimes within a mile for each month asked (the newest the police list when none is), stores each
/// under (lookup key, month) stamped with the police's <c>crime-last-updated</c>, and reports <see cref="CrimesFetched"/>.
/// A month already stored since the police last updated the data is not fetched again: each (key, month) costs the
/// police budget once until the next data update. Idempotent: a replayed or duplicated command finds the stored results.
/// </summary>
public sealed class FetchCrimesConsumer(
    CrimeFetcher fetcher,
    PolicePublications publications,
    ILookupResultStore results,
    TimeProvider time) : IConsumer<FetchCrimes>
{
    public Task Consume(ConsumeContext<FetchCrimes> context) => ConsumeAsync(context, PoliceBudgetLane.Live);

    /// <param name="lane">The lane the command came from: its police requests are live or a replay's (<see cref="ReplayedFetchCrimesConsumer"/>).</param>
    internal async Task ConsumeAsync(ConsumeContext<FetchCrimes> context, PoliceBudgetLane lane)
    {
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        var publication = await publications.GetAsync(cancellationToken).ConfigureAwait(false);
        var months = (message.Months is { Count: > 0 } asked ? asked : [publication.LatestMonth])
            .Distinct(StringComparer.Ordinal).OrderDescending(StringComparer.Ordinal).ToList();
        if (months.FirstOrDefault(m => !publication.Lists(m)) is { } unlisted)
        {
            await context.Publish(new LookupFailed(message.CorrelationId,
                $"data.police.uk does not list {unlisted}: it has {publication.Months[^1]} to {publication.LatestMonth}.")).ConfigureAwait(false);
            return;
        }

        var stored = new List<CrimeLookupResult>();
        foreach (var month in months)
        {
            var result = await results.GetAsync(message.LookupKey, month, cancellationToken).ConfigureAwait(false);
            if (result is null || !publication.IsCurrent(result.PoliceLastUpdated))
            {
                var outcome = await fetcher.FetchAsync(message.Latitude, message.Longitude, month, message.RequestedBy, lane, cancellationToken).ConfigureAwait(false);
                if (outcome is CrimeFetchOutcome.TooDense tooDense)
                {
                    await context.Publish(new LookupFailed(message.CorrelationId, tooDense.Reason, LookupReasons.AreaTooDense)).ConfigureAwait(false);
                    return;
                }

                result = ResultOf(message, month, (CrimeFetchOutcome.Fetched)outcome, publication);
                await results.PutAsync(result, cancellationToken).ConfigureAwait(false);
            }

            stored.Add(result);
        }

        var newest = stored[0];
        var oldestStamp = stored.Select(r => r.PoliceLastUpdated!).Min(StringComparer.Ordinal);
        await context.Publish(new CrimesFetched(
            message.CorrelationId, newest.Month, newest.TotalCrimes, newest.DataSource, months, oldestStamp, publication.DataUpdated)).ConfigureAwait(false);
    }

    private CrimeLookupResult ResultOf(FetchCrimes message, string month, CrimeFetchOutcome.Fetched fetched, PolicePublication publication) => new()
    {
        LookupId = message.CorrelationId,
        LookupKey = message.LookupKey,
        Query = message.Postcode is { } postcode
            ? new LookupQuery(postcode, null, null)
            : new LookupQuery(null, message.Latitude, message.Longitude),
        Location = new GeoPoint(message.Latitude, message.Longitude),
        PoliceForceArea = message.PoliceForceArea,
        Month = month,
        RadiusMiles = CrimeFetcher.RadiusMiles,
        TotalCrimes = fetched.Crimes.Count,
        ByCategory = CrimeCounts.ByCategory(fetched.Crimes),
        Crimes = fetched.Crimes,
        DataSource = fetched.Simulated ? DataSources.Simulated : DataSources.PoliceUk,
        FetchedAt = time.GetUtcNow(),
        PoliceLastUpdated = publication.LastUpdated,
    };
}
