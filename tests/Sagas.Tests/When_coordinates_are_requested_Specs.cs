using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;

namespace EventDriven.Sagas.Tests;

public sealed class When_coordinates_are_requested_Specs
{
    private static Guid IdOf(double latitude, double longitude) => LookupKey.For(Coordinates.Create(latitude, longitude)).CorrelationId;

    [Fact]
    public async Task Should_fetch_crimes_at_once_and_send_FetchCrimes_to_the_crimes_queue()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf(52.6297, -1.1316);

        await h.RequestCoordinates(id, 52.6297, -1.1316);
        var state = await h.WaitFor(id, m => m.FetchingCrimes);

        Assert.Equal("coordinates:52.6297,-1.1316", state.LookupKey);
        Assert.Equal(52.6297, state.Latitude);
        Assert.Equal(-1.1316, state.Longitude);
        Assert.Null(state.Postcode);
        Assert.Equal(1, state.Attempts);
        var fetch = Assert.Single(await h.AllSent<FetchCrimes>());
        Assert.Equal(new FetchCrimes(id, "coordinates:52.6297,-1.1316", 52.6297, -1.1316, null), fetch.Message);
        Assert.Equal(QueueNames.FetchCrimes, fetch.DestinationAddress!.AbsolutePath.Trim('/'));
        Assert.Empty(await h.AllSent<GeocodePostcode>());
    }

    [Fact]
    public async Task Should_count_duplicate_requests_without_a_second_FetchCrimes()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf(51.4816, -3.1791);

        await h.RequestCoordinates(id, 51.4816, -3.1791);
        await h.WaitFor(id, m => m.FetchingCrimes);
        await h.RequestCoordinates(id, 51.4816, -3.1791);
        await h.RequestCoordinates(id, 51.4816, -3.1791);
        await h.WaitFor(id, m => m.FetchingCrimes, x => x.RequestCount == 3);

        Assert.Single(await h.AllSent<FetchCrimes>());
        Assert.Equal(1, (await h.Load(id))!.Attempts);
    }

    [Fact]
    public async Task Should_complete_and_answer_fresh_requests_without_fetching_again()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf(54.5973, -5.9301);

        await h.RequestCoordinates(id, 54.5973, -5.9301);
        await h.WaitFor(id, m => m.FetchingCrimes);
        await h.Publish(new CrimesFetched(id, "2026-09", 12, "police.uk"));
        await h.WaitFor(id, m => m.Completed);
        h.Time.Advance(h.Options.ResultsFreshFor - TimeSpan.FromMinutes(1));
        await h.RequestCoordinates(id, 54.5973, -5.9301);
        var state = await h.WaitFor(id, m => m.Completed, x => x.RequestCount == 2);

        Assert.Equal(1, state.Attempts);
        Assert.Equal(12, state.TotalCrimes);
        Assert.Single(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_start_a_new_attempt_when_the_result_is_stale()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf(51.4816, -3.1791);

        await h.RequestCoordinates(id, 51.4816, -3.1791);
        await h.WaitFor(id, m => m.FetchingCrimes);
        await h.Publish(new CrimesFetched(id, "2026-09", 12, "police.uk"));
        await h.WaitFor(id, m => m.Completed);
        h.Time.Advance(h.Options.ResultsFreshFor + TimeSpan.FromSeconds(1));
        await h.RequestCoordinates(id, 51.4816, -3.1791);
        var state = await h.WaitFor(id, m => m.FetchingCrimes, x => x.Attempts == 2);

        Assert.Null(state.CompletedAt);
        Assert.Equal(h.Now, state.AttemptStartedAt);
        Assert.Equal(2, (await h.AllSent<FetchCrimes>()).Count);
    }

    [Fact]
    public async Task Should_resend_FetchCrimes_when_the_attempt_looks_stuck()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf(51.4816, -3.1791);

        await h.RequestCoordinates(id, 51.4816, -3.1791);
        await h.WaitFor(id, m => m.FetchingCrimes);
        h.Time.Advance(h.Options.StuckAfter + TimeSpan.FromSeconds(1));
        await h.RequestCoordinates(id, 51.4816, -3.1791);
        var state = await h.WaitFor(id, m => m.FetchingCrimes, x => x.RequestCount == 2);

        Assert.Equal(1, state.Attempts); // the same attempt, its command re-sent
        var sent = await h.AllSent<FetchCrimes>();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, x => Assert.Equal("coordinates:51.4816,-3.1791", x.Message.LookupKey));
    }

    [Fact]
    public async Task Should_fail_and_start_again_on_the_next_request()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf(51.4816, -3.1791);

        await h.RequestCoordinates(id, 51.4816, -3.1791);
        await h.WaitFor(id, m => m.FetchingCrimes);
        await h.Publish(new LookupFailed(id, "Area too dense (503 from the police API)."));
        await h.WaitFor(id, m => m.Failed);
        await h.RequestCoordinates(id, 51.4816, -3.1791);
        var state = await h.WaitFor(id, m => m.FetchingCrimes, x => x.Attempts == 2);

        Assert.Null(state.Reason);
        Assert.Equal(2, (await h.AllSent<FetchCrimes>()).Count);
    }
}
