using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;

namespace EventDriven.Sagas.Tests;

public sealed class When_the_geocoder_replies_Specs
{
    private static Guid IdOf(string postcode) => LookupKey.For(Postcode.Parse(postcode)).CorrelationId;

    private static async Task<Guid> Geocoding(LookupSagaHarness h, string postcode)
    {
        var id = IdOf(postcode);
        await h.RequestPostcode(id, postcode);
        await h.WaitFor(id, m => m.Geocoding);
        return id;
    }

    [Fact]
    public async Task Should_fetch_crimes_at_the_geocoded_point_in_England()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = await Geocoding(h, "M1 1AE");

        await h.Publish(new PostcodeGeocoded(id, "M1 1AE", 53.480759, -2.242631, "England"));
        var state = await h.WaitFor(id, m => m.FetchingCrimes);

        Assert.Equal("England", state.Country);
        Assert.Equal(53.480759, state.Latitude);
        Assert.Equal(-2.242631, state.Longitude);
        var fetch = Assert.Single(await h.AllSent<FetchCrimes>());
        Assert.Equal(new FetchCrimes(id, "postcode:M1 1AE", 53.480759, -2.242631, "M1 1AE"), fetch.Message);
        Assert.Equal(QueueNames.FetchCrimes, fetch.DestinationAddress!.AbsolutePath.Trim('/'));
        Assert.Empty(await h.AllPublished<UnsupportedPostcodeRequested>());
    }

    [Fact]
    public async Task Should_fetch_crimes_for_a_cross_border_postcode_the_geocoder_places_in_England()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = await Geocoding(h, "TD15 1AA");

        await h.Publish(new PostcodeGeocoded(id, "TD15 1AA", 55.7708, -2.0055, "England"));
        await h.WaitFor(id, m => m.FetchingCrimes);

        Assert.Single(await h.AllSent<FetchCrimes>());
        Assert.Empty(await h.AllPublished<UnsupportedPostcodeRequested>());
    }

    [Theory]
    [InlineData("Scotland")]
    [InlineData("scotland")]
    public async Task Should_end_unsupported_when_the_geocoder_places_a_TD_postcode_in_Scotland(string country)
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = await Geocoding(h, "TD1 1AA");

        await h.Publish(new PostcodeGeocoded(id, "TD1 1AA", 55.6153, -2.8063, country));
        var state = await h.WaitFor(id, m => m.Unsupported);

        Assert.Equal(country, state.Country);
        var unsupported = Assert.Single(await h.AllPublished<UnsupportedPostcodeRequested>());
        Assert.Equal(id, unsupported.Message.CorrelationId);
        Assert.Equal("TD1 1AA", unsupported.Message.Postcode);
        Assert.True(ScottishPostcodeAreas.IsScottish(postcode: null, unsupported.Message.Country));
        Assert.Empty(await h.AllSent<FetchCrimes>());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(51.5, null)]
    [InlineData(null, -0.14)]
    public async Task Should_end_with_no_location_when_the_geocoder_has_no_coordinates(double? latitude, double? longitude)
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = await Geocoding(h, "CR2 6XH");

        await h.Publish(new PostcodeGeocoded(id, "CR2 6XH", latitude, longitude, "England"));
        var state = await h.WaitFor(id, m => m.NoLocation);

        Assert.Equal(LookupReasons.NoLocation, state.Reason);
        Assert.Equal("England", state.Country);
        Assert.Equal(h.Now, state.CompletedAt);
        Assert.Empty(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_answer_a_channel_islands_postcode_from_the_saga_without_asking_the_geocoder_again()
    {
        // postcodes.io knows JE2 4ST without coordinates (its issue #310): a final answer, not a failure that every
        // request would retry.
        await using var h = await LookupSagaHarness.StartAsync();
        var id = await Geocoding(h, "JE2 4ST");
        await h.Publish(new PostcodeGeocoded(id, "JE2 4ST", null, null, "Channel Islands"));
        await h.WaitFor(id, m => m.NoLocation);

        for (var i = 0; i < 5; i++)
        {
            await h.RequestPostcode(id, "JE2 4ST");
        }

        var state = await h.WaitFor(id, m => m.NoLocation, x => x.RequestCount == 6);
        Assert.Equal(1, state.Attempts);
        Assert.Single(await h.AllSent<GeocodePostcode>());
    }

    [Fact]
    public async Task Should_ask_the_geocoder_again_once_no_location_is_older_than_NotFoundFreshFor()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = await Geocoding(h, "JE2 4ST");
        await h.Publish(new PostcodeGeocoded(id, "JE2 4ST", null, null, "Channel Islands"));
        await h.WaitFor(id, m => m.NoLocation);
        h.Time.Advance(h.Options.NotFoundFreshFor + TimeSpan.FromSeconds(1));

        await h.RequestPostcode(id, "JE2 4ST");

        var state = await h.WaitFor(id, m => m.Geocoding, x => x.Attempts == 2);
        Assert.Null(state.CompletedAt);
        Assert.Equal(2, (await h.AllSent<GeocodePostcode>()).Count);
    }

    [Fact]
    public async Task Should_keep_the_police_force_area_the_geocoder_gives()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = await Geocoding(h, "SW1A 1AA");

        await h.Publish(new PostcodeGeocoded(id, "SW1A 1AA", 51.501009, -0.141588, "England", "Metropolitan Police"));

        var state = await h.WaitFor(id, m => m.FetchingCrimes);
        Assert.Equal("Metropolitan Police", state.PoliceForceArea);
    }

    [Theory]
    [InlineData("Postcode not found")]
    [InlineData("Invalid postcode")]
    public async Task Should_end_not_found_with_the_geocoders_reason(string reason)
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = await Geocoding(h, "DN55 1PT");

        await h.Publish(new PostcodeNotFound(id, "DN55 1PT", reason));
        var state = await h.WaitFor(id, m => m.NotFound);

        Assert.Equal(reason, state.Reason);
        Assert.Equal(h.Now, state.CompletedAt);
        Assert.Empty(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_ignore_a_duplicate_geocoder_reply_once_fetching_crimes()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = await Geocoding(h, "M1 1AE");

        await h.Publish(new PostcodeGeocoded(id, "M1 1AE", 53.480759, -2.242631, "England"));
        await h.WaitFor(id, m => m.FetchingCrimes);
        await h.Publish(new PostcodeGeocoded(id, "M1 1AE", 50.0, -3.0, "England"));
        await h.Publish(new PostcodeNotFound(id, "M1 1AE", "Postcode not found"));

        var state = await h.Settle(id);
        Assert.Equal(LookupStatus.FetchingCrimes, state!.Status);
        Assert.Equal(53.480759, state.Latitude);
        Assert.Single(await h.AllSent<FetchCrimes>());
        Assert.Equal(2, (await h.AllConsumed<PostcodeGeocoded>()).Count);
        Assert.Empty(await h.AllPublished<MassTransit.Fault<PostcodeGeocoded>>());
        Assert.Empty(await h.AllPublished<MassTransit.Fault<PostcodeNotFound>>());
    }
}
