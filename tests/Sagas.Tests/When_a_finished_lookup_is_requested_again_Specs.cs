using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;

namespace EventDriven.Sagas.Tests;

public sealed class When_a_finished_lookup_is_requested_again_Specs
{
    private static Guid IdOf(string postcode) => LookupKey.For(Postcode.Parse(postcode)).CorrelationId;

    [Fact]
    public async Task Should_stay_completed_and_send_nothing_while_the_result_is_fresh()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.CompletePostcode(id, "SW1A 1AA");
        h.Time.Advance(h.Options.ResultsFreshFor - TimeSpan.FromSeconds(1));

        await h.RequestPostcode(id, "SW1A 1AA");
        var state = await h.WaitFor(id, m => m.Completed, x => x.RequestCount == 2);

        Assert.Equal(1, state.Attempts);
        Assert.Equal("2026-09", state.Month);
        Assert.Single(await h.AllSent<GeocodePostcode>());
        Assert.Single(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_start_a_new_attempt_straight_to_the_crimes_when_the_result_is_older_than_ResultsFreshFor_and_the_publication_unknown()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.CompletePostcode(id, "SW1A 1AA");
        h.Time.Advance(h.Options.ResultsFreshFor + TimeSpan.FromSeconds(1));

        await h.RequestPostcode(id, "SW1A 1AA");
        var state = await h.WaitFor(id, m => m.FetchingCrimes, x => x.Attempts == 2);

        Assert.Equal(2, state.RequestCount);
        Assert.Equal(h.Now, state.AttemptStartedAt);
        Assert.Null(state.CompletedAt);
        // The point is known: no second geocoding.
        Assert.Single(await h.AllSent<GeocodePostcode>());
        var sent = await h.AllSent<FetchCrimes>();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, x => Assert.Equal(new FetchCrimes(id, "postcode:SW1A 1AA", 51.501009, -0.141588, "SW1A 1AA"), x.Message));
    }

    [Fact]
    public async Task Should_complete_the_second_attempt_with_the_new_month()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.CompletePostcode(id, "SW1A 1AA", month: "2026-08", totalCrimes: 10);
        h.Time.Advance(h.Options.ResultsFreshFor + TimeSpan.FromHours(1));

        await h.RequestPostcode(id, "SW1A 1AA");
        await h.WaitFor(id, m => m.FetchingCrimes, x => x.Attempts == 2);
        await h.Publish(new CrimesFetched(id, "2026-09", 20, "simulated"));
        var state = await h.WaitFor(id, m => m.Completed, x => x.Attempts == 2);

        Assert.Equal(2, state.Attempts);
        Assert.Equal("2026-09", state.Month);
        Assert.Equal(20, state.TotalCrimes);
        Assert.Equal(h.Now, state.CompletedAt);
    }

    [Fact]
    public async Task Should_start_a_new_attempt_when_failed()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("CR2 6XH");
        await h.RequestPostcode(id, "CR2 6XH");
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new LookupFailed(id, "postcodes.io was down"));
        await h.WaitFor(id, m => m.Failed);

        await h.RequestPostcode(id, "CR2 6XH");
        var state = await h.WaitFor(id, m => m.Geocoding, x => x.Attempts == 2);

        Assert.Null(state.Reason);
        Assert.Null(state.CompletedAt);
        Assert.Equal(2, (await h.AllSent<GeocodePostcode>()).Count);
    }

    [Fact]
    public async Task Should_remember_not_found_for_NotFoundFreshFor_then_ask_again()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("DN55 1PT");
        await h.RequestPostcode(id, "DN55 1PT");
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new PostcodeNotFound(id, "DN55 1PT", "Postcode not found"));
        await h.WaitFor(id, m => m.NotFound);

        h.Time.Advance(h.Options.NotFoundFreshFor - TimeSpan.FromSeconds(1));
        await h.RequestPostcode(id, "DN55 1PT");
        var remembered = await h.WaitFor(id, m => m.NotFound, x => x.RequestCount == 2);
        Assert.Equal(1, remembered.Attempts);
        Assert.Equal("Postcode not found", remembered.Reason);

        h.Time.Advance(TimeSpan.FromSeconds(2));
        await h.RequestPostcode(id, "DN55 1PT");
        var retried = await h.WaitFor(id, m => m.Geocoding, x => x.Attempts == 2);

        Assert.Equal(3, retried.RequestCount);
        Assert.Null(retried.Reason);
        Assert.Equal(2, (await h.AllSent<GeocodePostcode>()).Count);
    }

    [Fact]
    public async Task Should_count_every_request_for_an_unsupported_postcode_and_publish_each()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("G1 1XQ");
        await h.RequestPostcode(id, "G1 1XQ");
        await h.WaitFor(id, m => m.Unsupported);
        // Scotland does not join data.police.uk over time: even months later the answer stands.
        h.Time.Advance(TimeSpan.FromDays(100));
        var secondAt = h.Now;

        await h.RequestPostcode(id, "G1 1XQ");
        var state = await h.WaitFor(id, m => m.Unsupported, x => x.RequestCount == 2);

        Assert.Equal(1, state.Attempts);
        Assert.Equal(secondAt, state.LastRequestedAt);
        var published = await h.AllPublished<UnsupportedPostcodeRequested>();
        Assert.Equal(2, published.Count);
        Assert.All(published, x => Assert.Equal("G1 1XQ", x.Message.Postcode));
        Assert.Contains(published, x => x.Message.RequestedAt == secondAt);
        Assert.Empty(await h.AllSent<GeocodePostcode>());
    }

    [Fact]
    public async Task Should_ignore_late_worker_replies_to_an_unsupported_lookup()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("TD1 1AA");
        await h.RequestPostcode(id, "TD1 1AA");
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new PostcodeGeocoded(id, "TD1 1AA", 55.6153, -2.8063, "Scotland"));
        await h.WaitFor(id, m => m.Unsupported);

        await h.Publish(new PostcodeGeocoded(id, "TD1 1AA", 55.6153, -2.8063, "England"));
        await h.Publish(new CrimesFetched(id, "2026-09", 1, "police.uk"));
        await h.Publish(new LookupFailed(id, "late"));

        var state = await h.Settle(id);
        Assert.Equal(LookupStatus.Unsupported, state!.Status);
        Assert.Equal("Scotland", state.Country);
        Assert.Empty(await h.AllSent<FetchCrimes>());
        Assert.Empty(await h.AllPublished<MassTransit.Fault<PostcodeGeocoded>>());
        Assert.Empty(await h.AllPublished<MassTransit.Fault<CrimesFetched>>());
        Assert.Empty(await h.AllPublished<MassTransit.Fault<LookupFailed>>());
    }
}
