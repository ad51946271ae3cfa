using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;

namespace EventDriven.Sagas.Tests;

public sealed class When_a_worker_fails_Specs
{
    private const string GeocoderError = "postcodes.io answered 503 Service Unavailable after 4 tries";
    private const string PoliceApiError = "data.police.uk timed out after 4 tries";

    private static Guid IdOf(string postcode) => LookupKey.For(Postcode.Parse(postcode)).CorrelationId;

    [Fact]
    public async Task Should_fail_with_the_workers_reason_while_geocoding()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.RequestPostcode(id, "SW1A 1AA");
        await h.WaitFor(id, m => m.Geocoding);

        await h.Publish(new LookupFailed(id, "The geocoder refused the request."));
        var state = await h.WaitFor(id, m => m.Failed);

        Assert.Equal("The geocoder refused the request.", state.Reason);
        Assert.Equal(h.Now, state.CompletedAt);
        Assert.Empty(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_fail_with_the_workers_reason_while_fetching_crimes()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.RequestPostcode(id, "SW1A 1AA");
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new PostcodeGeocoded(id, "SW1A 1AA", 51.501009, -0.141588, "England"));
        await h.WaitFor(id, m => m.FetchingCrimes);

        await h.Publish(new LookupFailed(id, "More than 10,000 crimes in the area (503)."));
        var state = await h.WaitFor(id, m => m.Failed);

        Assert.Equal("More than 10,000 crimes in the area (503).", state.Reason);
        Assert.Null(state.Month);
    }

    [Fact]
    public async Task Should_fail_with_the_exception_message_when_the_geocode_command_faults()
    {
        await using var h = await LookupSagaHarness.StartAsync(bus =>
            bus.AddConsumer<FailingGeocoder>().Endpoint(e => e.Name = QueueNames.GeocodePostcode));
        var id = IdOf("SW1A 1AA");

        await h.RequestPostcode(id, "SW1A 1AA");
        var state = await h.WaitFor(id, m => m.Failed);

        Assert.Equal("Geocoding failed: " + GeocoderError, state.Reason);
        Assert.Equal(h.Now, state.CompletedAt);
        Assert.Single(await h.AllPublished<Fault<GeocodePostcode>>());
        Assert.Empty(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_fail_with_the_exception_message_when_the_crimes_command_faults()
    {
        await using var h = await LookupSagaHarness.StartAsync(bus =>
            bus.AddConsumer<FailingCrimesFetcher>().Endpoint(e => e.Name = QueueNames.FetchCrimes));
        var id = IdOf("SW1A 1AA");
        await h.RequestPostcode(id, "SW1A 1AA");
        await h.WaitFor(id, m => m.Geocoding);

        await h.Publish(new PostcodeGeocoded(id, "SW1A 1AA", 51.501009, -0.141588, "England"));
        var state = await h.WaitFor(id, m => m.Failed);

        Assert.Equal("Fetching crimes failed: " + PoliceApiError, state.Reason);
        Assert.Single(await h.AllPublished<Fault<FetchCrimes>>());
    }

    [Fact]
    public async Task Should_fail_a_coordinates_lookup_when_the_crimes_command_faults()
    {
        await using var h = await LookupSagaHarness.StartAsync(bus =>
            bus.AddConsumer<FailingCrimesFetcher>().Endpoint(e => e.Name = QueueNames.FetchCrimes));
        var id = LookupKey.For(Coordinates.Create(51.4816, -3.1791)).CorrelationId;

        await h.RequestCoordinates(id, 51.4816, -3.1791);
        var state = await h.WaitFor(id, m => m.Failed);

        Assert.Equal("Fetching crimes failed: " + PoliceApiError, state.Reason);
    }

    [Fact]
    public async Task Should_complete_when_a_replayed_geocoder_reply_arrives_after_failing()
    {
        // An operator replays a dead-lettered GeocodePostcode after an outage; its reply finds the lookup Failed.
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.RequestPostcode(id, "SW1A 1AA");
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new LookupFailed(id, "postcodes.io was down"));
        await h.WaitFor(id, m => m.Failed);

        await h.Publish(new PostcodeGeocoded(id, "SW1A 1AA", 51.501009, -0.141588, "England"));
        var fetching = await h.WaitFor(id, m => m.FetchingCrimes);
        Assert.Null(fetching.Reason);
        Assert.Equal(1, fetching.Attempts);

        await h.Publish(new CrimesFetched(id, "2026-09", 3, "police.uk"));
        var state = await h.WaitFor(id, m => m.Completed);

        Assert.Equal("2026-09", state.Month);
        Assert.Null(state.Reason);
        var fetch = Assert.Single(await h.AllSent<FetchCrimes>());
        Assert.Equal(51.501009, fetch.Message.Latitude);
    }

    [Fact]
    public async Task Should_complete_when_a_replayed_crimes_reply_arrives_after_failing()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.RequestPostcode(id, "SW1A 1AA");
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new PostcodeGeocoded(id, "SW1A 1AA", 51.501009, -0.141588, "England"));
        await h.WaitFor(id, m => m.FetchingCrimes);
        await h.Publish(new LookupFailed(id, "data.police.uk was down"));
        await h.WaitFor(id, m => m.Failed);

        await h.Publish(new CrimesFetched(id, "2026-09", 8, "police.uk"));
        var state = await h.WaitFor(id, m => m.Completed);

        Assert.Equal(8, state.TotalCrimes);
        Assert.Null(state.Reason);
    }

    [Fact]
    public async Task Should_ignore_further_failures_once_failed()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.RequestPostcode(id, "SW1A 1AA");
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new LookupFailed(id, "first reason"));
        await h.WaitFor(id, m => m.Failed);

        await h.Publish(new LookupFailed(id, "second reason"));

        var state = await h.Settle(id);
        Assert.Equal(LookupStatus.Failed, state!.Status);
        Assert.Equal("first reason", state.Reason);
        Assert.Equal(2, (await h.AllConsumed<LookupFailed>()).Count);
        Assert.Empty(await h.AllPublished<Fault<LookupFailed>>());
    }

    private sealed class FailingGeocoder : IConsumer<GeocodePostcode>
    {
        public Task Consume(ConsumeContext<GeocodePostcode> context) => throw new HttpRequestException(GeocoderError);
    }

    private sealed class FailingCrimesFetcher : IConsumer<FetchCrimes>
    {
        public Task Consume(ConsumeContext<FetchCrimes> context) => throw new TimeoutException(PoliceApiError);
    }
}
