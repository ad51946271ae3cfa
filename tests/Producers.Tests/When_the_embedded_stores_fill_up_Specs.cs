using System.Globalization;
using System.Net;
using EventDriven.Contracts;
using EventDriven.Persistence.InMemory;
using EventDriven.Sagas;
using MassTransit.Saga;
using EventDriven.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Producers.Tests;

/// <summary>
/// The embedded mode's stores stay bounded: finished lookups expire as DynamoDB's TTLs expire them, and past the caps
/// the least recently updated finished lookups go with their results. An evicted lookup is simply fetched again.
/// </summary>
public sealed class When_the_embedded_stores_fill_up_Specs
{
    [Fact]
    public async Task Should_keep_at_most_the_capped_number_of_lookups_dropping_the_least_recently_updated_with_their_results()
    {
        await using var factory = Embedded(maxLookups: 100, maxResultMegabytes: 1000);
        var client = factory.CreateClient();

        await CompleteAsync(client, Points(250));
        var sagas = factory.Services.GetRequiredService<IndexedSagaDictionary<CrimeLookupState>>();
        var results = factory.Services.GetRequiredService<InMemoryLookupResultStore>();
        await Until(() => sagas.Count <= 100, "the saga store to shrink to its cap");

        Assert.True(results.Keys <= 100, $"{results.Keys} result keys kept for at most 100 lookups");
        // The most recently finished lookups are still answered from the store; the oldest is fetched again.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(CoordinatesUrl(Points(250)[^1]))).StatusCode);
        var refetched = await client.GetAsync(CoordinatesUrl(Points(250)[0]));
        Assert.Equal(HttpStatusCode.Accepted, refetched.StatusCode);
        Assert.Equal(LookupStatus.Completed, (await client.UntilFinishedAsync(refetched.Headers.Location!.OriginalString)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_hold_the_results_to_their_size_cap()
    {
        await using var factory = Embedded(maxLookups: 100_000, maxResultMegabytes: 1);
        var client = factory.CreateClient();

        await CompleteAsync(client, Points(150));
        var results = factory.Services.GetRequiredService<InMemoryLookupResultStore>();
        var sagas = factory.Services.GetRequiredService<IndexedSagaDictionary<CrimeLookupState>>();

        await Until(() => results.Bytes <= 1024 * 1024, "the results to shrink to 1 MB");
        Assert.True(sagas.Count < 150, $"{sagas.Count} lookups kept: their results went with them");
    }

    [Fact]
    public async Task Should_expire_finished_lookups_as_the_dynamodb_ttls_do()
    {
        await using var factory = Embedded(maxLookups: 100_000, maxResultMegabytes: 1000);
        var client = factory.CreateClient();
        var ids = new Dictionary<string, Guid>();
        foreach (var (state, path) in new[]
                 {
                     (LookupStatus.Completed, "/postcode/OX1%202JD"), (LookupStatus.NotFound, "/postcode/M3%209ZZ"),
                     (LookupStatus.NoLocation, "/postcode/LS2%208ZZ"), (LookupStatus.Unsupported, "/postcode/TD1%203BB"),
                     // The simulator's extreme area: more crimes than the police return even in parts.
                     (LookupStatus.Failed, string.Create(CultureInfo.InvariantCulture, $"/coordinates?latitude={Simulator.SyntheticCrimes.Extreme.Latitude}&longitude={Simulator.SyntheticCrimes.Extreme.Longitude}")),
                 })
        {
            var accepted = await client.GetAsync(path);
            var finished = await client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);
            Assert.Equal(state, finished.GetProperty("status").GetString());
            ids[state] = finished.GetProperty("lookupId").GetGuid();
        }

        // The sweep as it runs 31, then 101 days on (the service itself keeps the real clock).
        var now = DateTimeOffset.UtcNow;
        Assert.Equal([LookupStatus.Completed, LookupStatus.NotFound, LookupStatus.NoLocation, LookupStatus.Unsupported], await SweepAndListAsync(factory, ids, now.AddDays(31)));
        Assert.Equal([LookupStatus.Unsupported], await SweepAndListAsync(factory, ids, now.AddDays(101)));
        Assert.Equal(0, factory.Services.GetRequiredService<InMemoryLookupResultStore>().Keys);
    }

    /// <summary>One retention sweep at <paramref name="at"/>, then the states of the lookups the store still holds.</summary>
    private static async Task<List<string>> SweepAndListAsync(EmbeddedApiFactory factory, Dictionary<string, Guid> ids, DateTimeOffset at)
    {
        var services = factory.Services;
        var retention = new InMemoryStoreRetention(
            services.GetRequiredService<IndexedSagaDictionary<CrimeLookupState>>(),
            services.GetRequiredService<InMemoryLookupResultStore>(),
            services.GetRequiredService<InMemoryUnsupportedPostcodeRegistry>(),
            services.GetRequiredService<IOptions<PersistenceOptions>>(),
            new FakeTimeProvider(at),
            NullLogger<InMemoryStoreRetention>.Instance);
        await retention.SweepAsync(CancellationToken.None);

        var reader = services.GetRequiredService<ILookupStateReader>();
        var kept = new List<string>();
        foreach (var (state, id) in ids)
        {
            if (await reader.GetAsync(id) is not null)
            {
                kept.Add(state);
            }
        }

        return kept;
    }

    private static EmbeddedApiFactory Embedded(int maxLookups, int maxResultMegabytes) => new EmbeddedApiFactory()
        .WithSetting("Persistence:InMemory:MaxLookups", maxLookups.ToString(CultureInfo.InvariantCulture))
        .WithSetting("Persistence:InMemory:MaxResultMegabytes", maxResultMegabytes.ToString(CultureInfo.InvariantCulture))
        .WithSetting("Persistence:InMemory:SweepInterval", "00:00:00.200")
        // Many lookups quickly: the simulated police API need not pace them.
        .WithSetting("Upstreams:PoliceApi:RequestsPerSecond", "1000")
        .WithSetting("Upstreams:PoliceApi:Burst", "10000")
        .WithSetting("Simulator:EnforcePoliceRateLimit", "false");

    /// <summary>Distinct points in England, 0.01 degrees apart (distinct lookup keys).</summary>
    private static (double Latitude, double Longitude)[] Points(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (52.0 + (i / 50 * 0.01), -1.5 + (i % 50 * 0.01)))];

    private static string CoordinatesUrl((double Latitude, double Longitude) point) =>
        string.Create(CultureInfo.InvariantCulture, $"/coordinates?latitude={point.Latitude:0.0000}&longitude={point.Longitude:0.0000}");

    /// <summary>One lookup after the other, each to its end (an early one may be evicted while later ones run).</summary>
    private static async Task CompleteAsync(HttpClient client, IEnumerable<(double, double)> points)
    {
        foreach (var point in points)
        {
            var response = await client.GetAsync(CoordinatesUrl(point));
            var statusUrl = response.Headers.Location?.OriginalString ?? throw new InvalidOperationException($"{point}: {response.StatusCode}");
            Assert.Equal(LookupStatus.Completed, (await client.UntilFinishedAsync(statusUrl)).GetProperty("status").GetString());
        }
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }

            await Task.Delay(50);
        }
    }
}
