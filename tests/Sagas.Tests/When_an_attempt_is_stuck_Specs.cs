using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;

namespace EventDriven.Sagas.Tests;

/// <summary>A command can be lost (a broker failover, a purged queue): a request for a key whose attempt made no progress for
/// <see cref="LookupOptions.StuckAfter"/> sends the command again, at most once per <see cref="LookupOptions.StuckAfter"/>.</summary>
public sealed class When_an_attempt_is_stuck_Specs
{
    private static Guid IdOf(string postcode) => LookupKey.For(Postcode.Parse(postcode)).CorrelationId;

    [Fact]
    public async Task Should_resend_GeocodePostcode_when_requested_after_StuckAfter()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("W1A 0AX");
        await h.RequestPostcode(id, "W1A 0AX");
        await h.WaitFor(id, m => m.Geocoding);
        h.Time.Advance(h.Options.StuckAfter + TimeSpan.FromSeconds(1));

        await h.RequestPostcode(id, "W1A 0AX");
        var state = await h.WaitFor(id, m => m.Geocoding, x => x.RequestCount == 2);

        Assert.Equal(1, state.Attempts);
        var sent = await h.AllSent<GeocodePostcode>();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, x => Assert.Equal(new GeocodePostcode(id, "W1A 0AX"), x.Message));
    }

    [Fact]
    public async Task Should_not_resend_before_StuckAfter()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("W1A 0AX");
        await h.RequestPostcode(id, "W1A 0AX");
        await h.WaitFor(id, m => m.Geocoding);
        h.Time.Advance(h.Options.StuckAfter - TimeSpan.FromSeconds(1));

        await h.RequestPostcode(id, "W1A 0AX");
        await h.WaitFor(id, m => m.Geocoding, x => x.RequestCount == 2);

        Assert.Single(await h.AllSent<GeocodePostcode>());
    }

    [Fact]
    public async Task Should_resend_a_popular_stuck_key_once_per_StuckAfter_not_once_per_request()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("W1A 0AX");
        await h.RequestPostcode(id, "W1A 0AX");
        await h.WaitFor(id, m => m.Geocoding);

        // A request every minute: steady traffic must neither hide a stuck attempt nor re-send on every request.
        var minutes = (int)h.Options.StuckAfter.TotalMinutes + 2;
        for (var minute = 1; minute <= minutes; minute++)
        {
            h.Time.Advance(TimeSpan.FromMinutes(1));
            await h.RequestPostcode(id, "W1A 0AX");
            var expected = minute + 1;
            await h.WaitFor(id, m => m.Geocoding, x => x.RequestCount == expected);
        }

        Assert.Equal(2, (await h.AllSent<GeocodePostcode>()).Count);
    }

    [Fact]
    public async Task Should_resend_FetchCrimes_for_a_postcode_stuck_fetching_crimes()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("W1A 0AX");
        await h.RequestPostcode(id, "W1A 0AX");
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new PostcodeGeocoded(id, "W1A 0AX", 51.518561, -0.143799, "England"));
        await h.WaitFor(id, m => m.FetchingCrimes);
        h.Time.Advance(h.Options.StuckAfter + TimeSpan.FromSeconds(1));

        await h.RequestPostcode(id, "W1A 0AX");
        await h.WaitFor(id, m => m.FetchingCrimes, x => x.RequestCount == 2);

        var sent = await h.AllSent<FetchCrimes>();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, x => Assert.Equal(new FetchCrimes(id, "postcode:W1A 0AX", 51.518561, -0.143799, "W1A 0AX"), x.Message));
        Assert.Single(await h.AllSent<GeocodePostcode>());
    }

    [Fact]
    public async Task Should_resend_at_once_for_a_resume_request_after_a_restart_lost_the_commands()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("W1A 0AX");
        await h.RequestPostcode(id, "W1A 0AX");
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new PostcodeGeocoded(id, "W1A 0AX", 51.518561, -0.143799, "England"));
        await h.WaitFor(id, m => m.FetchingCrimes);

        // Well before StuckAfter: a resume does not wait for the attempt to look stuck.
        await h.Publish(new PostcodeRequested(id, "W1A 0AX", h.Time.GetUtcNow(), Resume: true));
        await h.WaitFor(id, m => m.FetchingCrimes, x => x.RequestCount == 2);

        Assert.Equal(2, (await h.AllSent<FetchCrimes>()).Count);
        Assert.Single(await h.AllSent<GeocodePostcode>());
    }

    [Fact]
    public async Task Should_resend_FetchCrimes_at_once_for_a_resumed_coordinates_lookup()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var key = LookupKey.For(Coordinates.Create(52.6297, -1.1316));
        await h.Publish(new CoordinatesRequested(key.CorrelationId, 52.6297, -1.1316, h.Time.GetUtcNow()));
        await h.WaitFor(key.CorrelationId, m => m.FetchingCrimes);

        await h.Publish(new CoordinatesRequested(key.CorrelationId, 52.6297, -1.1316, h.Time.GetUtcNow(), Resume: true));
        await h.WaitFor(key.CorrelationId, m => m.FetchingCrimes, x => x.RequestCount == 2);

        Assert.Equal(2, (await h.AllSent<FetchCrimes>()).Count);
    }
}
