using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using MassTransit;

namespace EventDriven.Sagas.Tests;

/// <summary>Replies for an instance that does not exist (expired, or never created) are dropped: no instance, no fault, no dead letter.</summary>
public sealed class When_a_worker_reply_has_no_lookup_Specs
{
    [Fact]
    public async Task Should_discard_a_PostcodeGeocoded_for_an_unknown_lookup()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = NewId.NextGuid();

        await h.Publish(new PostcodeGeocoded(id, "SW1A 1AA", 51.5, -0.14, "England"));

        await AssertDiscarded<PostcodeGeocoded>(h, id);
        Assert.Empty(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_discard_a_PostcodeNotFound_for_an_unknown_lookup()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = NewId.NextGuid();

        await h.Publish(new PostcodeNotFound(id, "SW1A 1AA", "Postcode not found"));

        await AssertDiscarded<PostcodeNotFound>(h, id);
    }

    [Fact]
    public async Task Should_discard_a_CrimesFetched_for_an_unknown_lookup()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = NewId.NextGuid();

        await h.Publish(new CrimesFetched(id, "2026-09", 3, "police.uk"));

        await AssertDiscarded<CrimesFetched>(h, id);
    }

    [Fact]
    public async Task Should_discard_a_LookupFailed_for_an_unknown_lookup()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = NewId.NextGuid();

        await h.Publish(new LookupFailed(id, "too dense"));

        await AssertDiscarded<LookupFailed>(h, id);
    }

    [Fact]
    public async Task Should_discard_command_faults_for_an_unknown_lookup()
    {
        await using var h = await LookupSagaHarness.StartAsync(bus =>
        {
            bus.AddConsumer<FailingGeocoder>().Endpoint(e => e.Name = QueueNames.GeocodePostcode);
            bus.AddConsumer<FailingCrimesFetcher>().Endpoint(e => e.Name = QueueNames.FetchCrimes);
        });
        var geocodeId = NewId.NextGuid();
        var crimesId = NewId.NextGuid();

        // Commands nobody's saga sent (e.g. replayed long after the lookup expired) fault in the worker.
        await (await h.Bus.Bus.GetSendEndpoint(new Uri($"queue:{QueueNames.GeocodePostcode}")))
            .Send(new GeocodePostcode(geocodeId, "SW1A 1AA"));
        await (await h.Bus.Bus.GetSendEndpoint(new Uri($"queue:{QueueNames.FetchCrimes}")))
            .Send(new FetchCrimes(crimesId, "coordinates:51.5,-0.14", 51.5, -0.14, null));

        Assert.Single(await h.AllConsumed<Fault<GeocodePostcode>>());
        Assert.Single(await h.AllConsumed<Fault<FetchCrimes>>());
        Assert.Null(await h.Load(geocodeId));
        Assert.Null(await h.Load(crimesId));
        Assert.Empty(await h.AllPublished<Fault<Fault<GeocodePostcode>>>());
        Assert.Empty(await h.AllPublished<Fault<Fault<FetchCrimes>>>());
    }

    private static async Task AssertDiscarded<T>(LookupSagaHarness h, Guid id)
        where T : class
    {
        Assert.Null(await h.Settle(id));
        Assert.Single(await h.AllConsumed<T>()); // it did reach the saga, and was consumed without error
        Assert.Empty(await h.AllPublished<Fault<T>>());
        Assert.Empty(await h.AllSent<GeocodePostcode>());
    }

    private sealed class FailingGeocoder : IConsumer<GeocodePostcode>
    {
        public Task Consume(ConsumeContext<GeocodePostcode> context) => throw new HttpRequestException("postcodes.io is down");
    }

    private sealed class FailingCrimesFetcher : IConsumer<FetchCrimes>
    {
        public Task Consume(ConsumeContext<FetchCrimes> context) => throw new HttpRequestException("data.police.uk is down");
    }
}
