using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;

namespace EventDriven.Sagas.Tests;

public sealed class When_a_postcode_is_requested_Specs
{
    private static Guid IdOf(string postcode) => LookupKey.For(Postcode.Parse(postcode)).CorrelationId;

    private static string Describe(MassTransit.ExceptionInfo? exception) =>
        exception is null ? string.Empty : exception.Message + " <- " + Describe(exception.InnerException);

    [Fact]
    public async Task Should_start_geocoding_and_send_one_GeocodePostcode_to_the_geocode_queue()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        var requestedAt = h.Now.AddSeconds(-2);

        await h.Publish(new PostcodeRequested(id, "SW1A 1AA", requestedAt));
        await h.WaitFor(id, m => m.Geocoding);

        var geocode = Assert.Single(await h.AllSent<GeocodePostcode>());
        Assert.Equal(new GeocodePostcode(id, "SW1A 1AA"), geocode.Message);
        Assert.Equal(QueueNames.GeocodePostcode, geocode.DestinationAddress!.AbsolutePath.Trim('/'));
        Assert.Empty(await h.AllSent<FetchCrimes>());
        Assert.Empty(await h.AllPublished<UnsupportedPostcodeRequested>());
        var consumed = Assert.Single(await h.AllConsumed<PostcodeRequested>());
        Assert.Equal(QueueNames.CrimeLookupSaga, consumed.ReceiveContext.InputAddress.AbsolutePath.Trim('/'));

        var state = (await h.Load(id))!;
        Assert.Equal(LookupStatus.Geocoding, state.Status);
        Assert.Equal("postcode:SW1A 1AA", state.LookupKey);
        Assert.Equal("SW1A 1AA", state.Postcode);
        Assert.Equal(1, state.Attempts);
        Assert.Equal(1, state.RequestCount);
        Assert.Equal(requestedAt, state.FirstRequestedAt);
        Assert.Equal(requestedAt, state.LastRequestedAt);
        Assert.Equal(h.Now, state.CreatedAt);
        Assert.Equal(h.Now, state.AttemptStartedAt);
        Assert.Null(state.CompletedAt);
        Assert.Null(state.Reason);
    }

    [Fact]
    public async Task Should_send_the_normalised_postcode_to_the_geocoder()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("EC1A 1BB");

        await h.RequestPostcode(id, "ec1a1bb");
        var state = await h.WaitFor(id, m => m.Geocoding);

        Assert.Equal("EC1A 1BB", state.Postcode);
        Assert.Equal("postcode:EC1A 1BB", state.LookupKey);
        Assert.Equal("EC1A 1BB", Assert.Single(await h.AllSent<GeocodePostcode>()).Message.Postcode);
    }

    [Fact]
    public async Task Should_answer_a_certainly_Scottish_postcode_as_unsupported_without_geocoding()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("EH1 1YZ");
        var requestedAt = h.Now;

        await h.Publish(new PostcodeRequested(id, "EH1 1YZ", requestedAt));
        var state = await h.WaitFor(id, m => m.Unsupported);

        Assert.Equal(ScottishPostcodeAreas.ScotlandCountry, state.Country);
        Assert.Equal(1, state.Attempts);
        var unsupported = Assert.Single(await h.AllPublished<UnsupportedPostcodeRequested>());
        Assert.Equal(new UnsupportedPostcodeRequested(id, "EH1 1YZ", "Scotland", requestedAt), unsupported.Message);
        Assert.Empty(await h.AllSent<GeocodePostcode>());
        Assert.Empty(await h.AllSent<FetchCrimes>());
    }

    [Theory]
    [InlineData("TD15 1AA")] // Berwick-upon-Tweed, England
    [InlineData("DG16 5AA")]
    public async Task Should_geocode_a_cross_border_postcode_before_deciding(string postcode)
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf(postcode);

        await h.RequestPostcode(id, postcode);
        await h.WaitFor(id, m => m.Geocoding);

        Assert.Equal(postcode, Assert.Single(await h.AllSent<GeocodePostcode>()).Message.Postcode);
        Assert.Empty(await h.AllPublished<UnsupportedPostcodeRequested>());
    }

    [Fact]
    public async Task Should_count_duplicate_requests_while_geocoding_without_a_second_GeocodePostcode()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("M1 1AE");
        var first = h.Now;

        await h.RequestPostcode(id, "M1 1AE");
        await h.WaitFor(id, m => m.Geocoding);
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var latest = h.Now;
        await h.RequestPostcode(id, "m11ae");
        await h.WaitFor(id, m => m.Geocoding, x => x.RequestCount == 2);
        // A request that was made earlier but arrives late does not move LastRequestedAt back.
        await h.Publish(new PostcodeRequested(id, "M1 1AE", first.AddSeconds(10)));
        await h.WaitFor(id, m => m.Geocoding, x => x.RequestCount == 3);

        Assert.Single(await h.AllSent<GeocodePostcode>()); // one upstream call per key
        var state = (await h.Load(id))!;
        Assert.Equal(LookupStatus.Geocoding, state.Status);
        Assert.Equal(3, state.RequestCount);
        Assert.Equal(1, state.Attempts);
        Assert.Equal(first, state.FirstRequestedAt);
        Assert.Equal(latest, state.LastRequestedAt);
    }

    [Fact]
    public async Task Should_send_exactly_one_GeocodePostcode_for_50_concurrent_requests_for_a_new_key()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("B33 8TH");

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => h.RequestPostcode(id, "B33 8TH")));
        await h.WaitFor(id, m => m.Geocoding, x => x.RequestCount == 50);

        var geocode = Assert.Single(await h.AllSent<GeocodePostcode>());
        Assert.Equal(id, geocode.Message.CorrelationId);
        var state = (await h.Load(id))!;
        Assert.Equal(50, state.RequestCount);
        Assert.Equal(1, state.Attempts);
        Assert.Empty(await h.AllPublished<MassTransit.Fault<PostcodeRequested>>());
    }

    [Fact]
    public async Task Should_dead_letter_a_request_with_an_unparseable_postcode_without_creating_a_lookup()
    {
        // The API only publishes parsed postcodes; a hand-made or corrupted message must not become an instance.
        await using var h = await LookupSagaHarness.StartAsync();
        var id = MassTransit.NewId.NextGuid();

        await h.Publish(new PostcodeRequested(id, "SW1A-1AA", h.Now));

        Assert.True(await h.Bus.Published.Any<MassTransit.Fault<PostcodeRequested>>());
        var fault = Assert.Single(await h.AllPublished<MassTransit.Fault<PostcodeRequested>>());
        Assert.Contains("letters A-Z, digits and spaces", Describe(fault.Message.Exceptions[0]), StringComparison.Ordinal);
        Assert.Null(await h.Load(id));
        Assert.Empty(await h.AllSent<GeocodePostcode>());
    }

    [Fact]
    public async Task Should_keep_lookups_for_different_postcodes_apart()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        string[] postcodes = ["SW1A 1AA", "SW1A 2AA", "CR2 6XH"];

        await Task.WhenAll(postcodes.Select(p => h.RequestPostcode(IdOf(p), p)));
        foreach (var postcode in postcodes)
        {
            var state = await h.WaitFor(IdOf(postcode), m => m.Geocoding);
            Assert.Equal(postcode, state.Postcode);
        }

        var sent = await h.AllSent<GeocodePostcode>();
        Assert.Equal(postcodes.Order(), sent.Select(x => x.Message.Postcode).Order());
        Assert.All(sent, x => Assert.Equal(IdOf(x.Message.Postcode), x.Message.CorrelationId));
    }
}
