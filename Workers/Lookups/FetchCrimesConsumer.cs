using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Results;
using EventDriven.Persistence;
using EventDriven.Sagas;
using EventDriven.Workers.Upstreams;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Lookups;

/// <summary>
/// Fetches the latest month's crimes within a mile, stores the result under (lookup key, month) and reports
/// <see cref="CrimesFetched"/>. Idempotent: a replayed or duplicated command finds the stored result and answers from it.
/// </summary>
public sealed class FetchCrimesConsumer(
    PoliceApiClient police,
    CrimeFetcher fetcher,
    ILookupResultStore results,
    TimeProvider time,
    IOptions<LookupOptions> lookupOptions) : IConsumer<FetchCrimes>
{
    public async Task Consume(ConsumeContext<FetchCrimes> context)
    {
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        var month = await police.GetLatestMonthAsync(cancellationToken).ConfigureAwait(false);

        var stored = await results.GetAsync(message.LookupKey, month, cancellationToken).ConfigureAwait(false);
        if (stored is not null && time.GetUtcNow() - stored.FetchedAt < lookupOptions.Value.ResultsFreshFor)
        {
            await context.Publish(new CrimesFetched(message.CorrelationId, stored.Month, stored.TotalCrimes, stored.DataSource)).ConfigureAwait(false);
            return;
        }

        var outcome = await fetcher.FetchAsync(message.Latitude, message.Longitude, month, message.RequestedBy, cancellationToken).ConfigureAwait(false);
        if (outcome is CrimeFetchOutcome.TooDense tooDense)
        {
            await context.Publish(new LookupFailed(message.CorrelationId, tooDense.Reason, LookupReasons.AreaTooDense)).ConfigureAwait(false);
            return;
        }

        var fetched = (CrimeFetchOutcome.Fetched)outcome;
        var result = new CrimeLookupResult
        {
            LookupId = message.CorrelationId,
            LookupKey = message.LookupKey,
            Query = message.Postcode is { } postcode
                ? new LookupQuery(postcode, null, null)
                : new LookupQuery(null, message.Latitude, message.Longitude),
            Location = new GeoPoint(message.Latitude, message.Longitude),
            Month = month,
            RadiusMiles = CrimeFetcher.RadiusMiles,
            TotalCrimes = fetched.Crimes.Count,
            ByCategory = fetched.Crimes
                .GroupBy(c => c.Category, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            Crimes = fetched.Crimes,
            DataSource = fetched.Simulated ? DataSources.Simulated : DataSources.PoliceUk,
            FetchedAt = time.GetUtcNow(),
        };

        await results.PutAsync(result, cancellationToken).ConfigureAwait(false);
        await context.Publish(new CrimesFetched(message.CorrelationId, month, result.TotalCrimes, result.DataSource)).ConfigureAwait(false);
    }
}
