using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Results;
using EventDriven.Contracts.Values;
using EventDriven.Persistence;
using EventDriven.Persistence.InMemory;
using EventDriven.Sagas;
using EventDriven.Simulator;
using EventDriven.Workers.Lookups;
using EventDriven.Workers.Upstreams;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Workers.Tests;

public sealed class When_the_lookup_consumers_run_Specs : IAsyncLifetime
{
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
        services.AddSingleton<UpstreamSimulator>();
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
