using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;

namespace EventDriven.Sagas.Tests;

/// <summary>
/// The client whose request starts an attempt is the attempt's until it ends: its tag goes with the attempt's
/// FetchCrimes (its police requests wait in that client's turn) and stays on the instance only while the attempt runs
/// (what the API counts as the client's lookups in flight).
/// </summary>
public sealed class When_a_client_starts_an_attempt_Specs
{
    [Fact]
    public async Task Should_send_the_starting_client_with_FetchCrimes_and_forget_it_when_the_attempt_completes()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = LookupKey.For(Coordinates.Create(52.2053, 0.1218)).CorrelationId;

        await h.Publish(new CoordinatesRequested(id, 52.2053, 0.1218, h.Now, RequestedBy: "client-a"));
        await h.WaitFor(id, m => m.FetchingCrimes);
        // Another client asking meanwhile joins the attempt under way: it stays the first client's.
        await h.Publish(new CoordinatesRequested(id, 52.2053, 0.1218, h.Now, RequestedBy: "client-b"));
        await h.WaitFor(id, m => m.FetchingCrimes, x => x.RequestCount == 2);

        Assert.Equal("client-a", Assert.Single(await h.AllSent<FetchCrimes>()).Message.RequestedBy);
        Assert.Equal("client-a", h.Saga.Sagas.Contains(id)!.AttemptRequestedBy);

        await h.Publish(new CrimesFetched(id, "2026-09", 3, "police.uk"));
        await h.WaitFor(id, m => m.Completed);
        Assert.Null(h.Saga.Sagas.Contains(id)!.AttemptRequestedBy);
    }

    [Fact]
    public async Task Should_keep_the_client_through_geocoding_and_forget_it_when_the_attempt_fails()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = LookupKey.For(Postcode.Parse("CB2 1TN")).CorrelationId;

        await h.Publish(new PostcodeRequested(id, "CB2 1TN", h.Now, RequestedBy: "client-a"));
        await h.WaitFor(id, m => m.Geocoding);
        await h.Publish(new PostcodeGeocoded(id, "CB2 1TN", 52.2, 0.12, "England"));
        await h.WaitFor(id, m => m.FetchingCrimes);
        Assert.Equal("client-a", Assert.Single(await h.AllSent<FetchCrimes>()).Message.RequestedBy);

        await h.Publish(new LookupFailed(id, "too dense", "area-too-dense"));
        await h.WaitFor(id, m => m.Failed);
        Assert.Null(h.Saga.Sagas.Contains(id)!.AttemptRequestedBy);
    }
}
