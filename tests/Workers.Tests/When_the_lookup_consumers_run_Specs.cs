using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Results;
using EventDriven.Contracts.Values;
using EventDriven.Persistence;
using EventDriven.Persistence.InMemory;
using EventDriven.Sagas;
using EventDriven.Simulator;
using EventDriven.Workers.Lookups;
using EventDriven.Workers.Publication;
using EventDriven.Workers.Upstreams;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Workers.Tests;

public sealed class When_the_lookup_consumers_run_Specs : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero));
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Upstreams:Simulate"] = "true",
            ["Upstreams:RetryBaseDelay"] = "00:00:00.010",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddOptions<LookupOptions>();
        services.AddSingleton<ILookupResultStore, InMemoryLookupResultStore>();
        services.AddSingleton<IPolicePublicationStore, InMemoryPolicePublicationStore>();
        // The publication checks on a fake clock, to move past an interval; the HTTP pipeline keeps the real one (its retries wait on it).
        services.AddSingleton(sp => new PolicePublications(
            sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<IPolicePublicationStore>(), _time,
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<LookupOptions>>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PolicePublications>.Instance));
        // The simulator on the real clock: its months follow today, whatever the fake clock of the claims says.
        services.AddSingleton(new UpstreamSimulator());
        services.AddUpstreamClients(configuration, SimulatorServiceCollectionExtensions.CreateMessageHandler);
        services.AddMassTransitTestHarness(x =>
        {
            x.AddConsumer<GeocodePostcodeConsumer>();
            x.AddConsumer<FetchCrimesConsumer>();
        });
        _provider = services.BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    [Fact]
    public async Task Should_publish_the_geocoded_point()
    {
        var id = Guid.NewGuid();
        await _harness.Bus.Publish(new GeocodePostcode(id, "SW1A 1AA"));

        Assert.True(await _harness.Published.Any<PostcodeGeocoded>(x => x.Context.Message.CorrelationId == id));
        var geocoded = _harness.Published.Select<PostcodeGeocoded>().Single(x => x.Context.Message.CorrelationId == id).Context.Message;
        Assert.Equal(51.501009, geocoded.Latitude);
        Assert.Equal("England", geocoded.Country);
    }

    [Fact]
    public async Task Should_publish_not_found_with_the_geocoders_reason()
    {
        var id = Guid.NewGuid();
        await _harness.Bus.Publish(new GeocodePostcode(id, "SW1A 9ZZ"));

        Assert.True(await _harness.Published.Any<PostcodeNotFound>(x => x.Context.Message.CorrelationId == id && x.Context.Message.Reason == "Postcode not found"));
    }

    [Fact]
    public async Task Should_store_the_result_and_report_it()
    {
        var id = Guid.NewGuid();
        var key = LookupKey.For(Coordinates.Create(52.629729, -1.131592));
        await _harness.Bus.Publish(new FetchCrimes(id, key.Value, 52.629729, -1.131592, null));

        Assert.True(await _harness.Published.Any<CrimesFetched>(x => x.Context.Message.CorrelationId == id));
        var fetched = _harness.Published.Select<CrimesFetched>().Single(x => x.Context.Message.CorrelationId == id).Context.Message;
        var stored = await _provider.GetRequiredService<ILookupResultStore>().GetAsync(key.Value, fetched.Month);
        Assert.NotNull(stored);
        Assert.Equal(fetched.TotalCrimes, stored.TotalCrimes);
        Assert.Equal(stored.TotalCrimes, stored.ByCategory.Values.Sum());
        Assert.Equal(DataSources.Simulated, stored.DataSource);
        Assert.Equal(DataSources.Simulated, fetched.DataSource);
    }

    [Fact]
    public async Task Should_answer_a_replayed_command_from_the_store_without_calling_the_police_api_again()
    {
        var key = LookupKey.For(Coordinates.Create(52.5, -1.5));
        var first = Guid.NewGuid();
        await _harness.Bus.Publish(new FetchCrimes(first, key.Value, 52.5, -1.5, null));
        Assert.True(await _harness.Published.Any<CrimesFetched>(x => x.Context.Message.CorrelationId == first));
        var crimesCalls = _provider.GetRequiredService<UpstreamSimulator>().Stats.CrimesRequests;

        await _harness.Bus.Publish(new FetchCrimes(first, key.Value, 52.5, -1.5, null));

        Assert.True(await _harness.Consumed.Any<FetchCrimes>(x => x.Context.Message.CorrelationId == first && x.Context.MessageId != null));
        Assert.True(await _harness.Published.Any<CrimesFetched>(x => x.Context.Message.CorrelationId == first));
        await _harness.InactivityTask;
        Assert.Equal(2, _harness.Published.Select<CrimesFetched>().Count(x => x.Context.Message.CorrelationId == first));
        Assert.Equal(crimesCalls, _provider.GetRequiredService<UpstreamSimulator>().Stats.CrimesRequests);
    }

    [Fact]
    public async Task Should_store_each_month_asked_for_stamped_with_crime_last_updated()
    {
        var simulator = _provider.GetRequiredService<UpstreamSimulator>();
        var months = simulator.AvailableMonths().Take(3).ToList();
        var key = LookupKey.For(Coordinates.Create(52.4, -1.4));
        var id = Guid.NewGuid();

        await _harness.Bus.Publish(new FetchCrimes(id, key.Value, 52.4, -1.4, null, [months[2], months[0], months[1]], "Simulated Constabulary"));

        Assert.True(await _harness.Published.Any<CrimesFetched>(x => x.Context.Message.CorrelationId == id));
        var fetched = _harness.Published.Select<CrimesFetched>().Single(x => x.Context.Message.CorrelationId == id).Context.Message;
        Assert.Equal(months, fetched.Months);
        Assert.Equal(months[0], fetched.Month);
        Assert.Equal(simulator.Publication.LastUpdated, fetched.PoliceLastUpdated);
        var stored = await _provider.GetRequiredService<ILookupResultStore>().GetManyAsync(key.Value, months);
        Assert.Equal(3, stored.Count);
        Assert.All(stored, r => Assert.Equal(simulator.Publication.LastUpdated, r.PoliceLastUpdated));
        Assert.All(stored, r => Assert.Equal("Simulated Constabulary", r.PoliceForceArea));
        Assert.Equal(3, simulator.Stats.CrimesRequests);
    }

    [Fact]
    public async Task Should_fetch_a_month_again_only_once_crime_last_updated_moved()
    {
        var simulator = _provider.GetRequiredService<UpstreamSimulator>();
        var publications = _provider.GetRequiredService<PolicePublications>();
        var key = LookupKey.For(Coordinates.Create(52.3, -1.3));
        await Fetch(Guid.NewGuid(), key);
        await Fetch(Guid.NewGuid(), key);
        Assert.Equal(1, simulator.Stats.CrimesRequests);

        simulator.Publication.UpdateData();
        await Fetch(Guid.NewGuid(), key);
        Assert.Equal(1, simulator.Stats.CrimesRequests); // nobody has checked the police since: the stored month stands

        _time.Advance(_provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<LookupOptions>>().Value.PublicationCheckInterval);
        Assert.NotNull(await publications.CheckIfDueAsync(CancellationToken.None));
        await Fetch(Guid.NewGuid(), key);

        Assert.Equal(2, simulator.Stats.CrimesRequests);
        var stored = await _provider.GetRequiredService<ILookupResultStore>().GetAsync(key.Value, simulator.AvailableMonths()[0]);
        Assert.Equal(simulator.Publication.LastUpdated, stored!.PoliceLastUpdated);
    }

    [Fact]
    public async Task Should_fetch_only_the_new_month_once_the_police_publish_one()
    {
        var simulator = _provider.GetRequiredService<UpstreamSimulator>();
        var publications = _provider.GetRequiredService<PolicePublications>();
        var key = LookupKey.For(Coordinates.Create(52.1, -1.1));
        var september = simulator.AvailableMonths()[0];
        await Fetch(Guid.NewGuid(), key);

        simulator.Publication.PublishMonth();
        _time.Advance(_provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<LookupOptions>>().Value.PublicationCheckInterval);
        var published = await publications.CheckIfDueAsync(CancellationToken.None);
        var id = Guid.NewGuid();
        await _harness.Bus.Publish(new FetchCrimes(id, key.Value, 52.1, -1.1, null, [published!.LatestMonth, september]));
        Assert.True(await _harness.Published.Any<CrimesFetched>(x => x.Context.Message.CorrelationId == id));

        // One call for the new month; the older month, fetched before but not updated since, is not fetched again.
        Assert.Equal(2, simulator.Stats.CrimesRequests);
        var fetched = _harness.Published.Select<CrimesFetched>().Single(x => x.Context.Message.CorrelationId == id).Context.Message;
        Assert.Equal([published.LatestMonth, september], fetched.Months);
        Assert.Equal(published.DataUpdated, fetched.PoliceDataUpdated);
        Assert.True(published.IsCurrent(fetched.PoliceLastUpdated));
    }

    [Fact]
    public async Task Should_fail_the_lookup_for_a_month_the_police_do_not_list()
    {
        var id = Guid.NewGuid();
        var key = LookupKey.For(Coordinates.Create(52.2, -1.2));

        await _harness.Bus.Publish(new FetchCrimes(id, key.Value, 52.2, -1.2, null, ["1999-01"]));

        Assert.True(await _harness.Published.Any<LookupFailed>(x => x.Context.Message.CorrelationId == id));
        var failed = _harness.Published.Select<LookupFailed>().Single(x => x.Context.Message.CorrelationId == id).Context.Message;
        Assert.Contains("does not list 1999-01", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _provider.GetRequiredService<UpstreamSimulator>().Stats.CrimesRequests);
    }

    private async Task Fetch(Guid id, LookupKey key)
    {
        var point = key.Coordinates!.Value;
        await _harness.Bus.Publish(new FetchCrimes(id, key.Value, point.Latitude, point.Longitude, null));
        Assert.True(await _harness.Published.Any<CrimesFetched>(x => x.Context.Message.CorrelationId == id));
    }

    [Fact]
    public async Task Should_fail_the_lookup_when_the_area_is_too_dense_to_query()
    {
        var id = Guid.NewGuid();
        var extreme = SyntheticCrimes.Extreme;
        var key = LookupKey.For(Coordinates.Create(extreme.Latitude, extreme.Longitude));
        await _harness.Bus.Publish(new FetchCrimes(id, key.Value, extreme.Latitude, extreme.Longitude, null));

        Assert.True(await _harness.Published.Any<LookupFailed>(x => x.Context.Message.CorrelationId == id));
        Assert.False(await _harness.Published.Any<CrimesFetched>(x => x.Context.Message.CorrelationId == id));
    }

    [Fact]
    public async Task Should_fault_the_command_when_the_upstream_is_down()
    {
        _provider.GetRequiredService<UpstreamSimulator>().Faults.Current = new FaultSettings(TimeSpan.Zero, 0, Outage: true, FaultTarget.PostcodesIo);
        var id = Guid.NewGuid();

        await _harness.Bus.Publish(new GeocodePostcode(id, "SW1A 1AA"));

        Assert.True(await _harness.Published.Any<Fault<GeocodePostcode>>(x => x.Context.Message.Message.CorrelationId == id));
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }
}
