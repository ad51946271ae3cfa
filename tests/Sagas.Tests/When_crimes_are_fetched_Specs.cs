using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;

namespace EventDriven.Sagas.Tests;

public sealed class When_crimes_are_fetched_Specs
{
    private static Guid IdOf(string postcode) => LookupKey.For(Postcode.Parse(postcode)).CorrelationId;

    [Fact]
    public async Task Should_complete_with_the_month_the_total_and_the_data_source()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");

        var state = await h.CompletePostcode(id, "SW1A 1AA", month: "2026-09", totalCrimes: 1234);

        Assert.Equal(LookupStatus.Completed, state.Status);
        Assert.Equal("2026-09", state.Month);
        Assert.Equal(1234, state.TotalCrimes);
        Assert.Equal("simulated", state.DataSource);
        Assert.Equal(h.Now, state.CompletedAt);
        Assert.Null(state.Reason);
        Assert.Single(await h.AllSent<GeocodePostcode>());
        Assert.Single(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_ignore_a_late_CrimesFetched_once_completed()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.CompletePostcode(id, "SW1A 1AA", month: "2026-09", totalCrimes: 42);
        var completedAt = h.Now;
        h.Time.Advance(TimeSpan.FromMinutes(3));

        await h.Publish(new CrimesFetched(id, "2026-08", 7, "police.uk"));

        var state = await h.Settle(id);
        Assert.Equal(LookupStatus.Completed, state!.Status);
        Assert.Equal("2026-09", state.Month);
        Assert.Equal(42, state.TotalCrimes);
        Assert.Equal("simulated", state.DataSource);
        Assert.Equal(completedAt, state.CompletedAt);
        Assert.Equal(2, (await h.AllConsumed<CrimesFetched>()).Count);
        Assert.Empty(await h.AllPublished<Fault<CrimesFetched>>());
    }

    [Fact]
    public async Task Should_ignore_a_CrimesFetched_that_arrives_while_geocoding()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        var id = IdOf("SW1A 1AA");
        await h.RequestPostcode(id, "SW1A 1AA");
        await h.WaitFor(id, m => m.Geocoding);

        await h.Publish(new CrimesFetched(id, "2026-09", 5, "police.uk"));

        var state = await h.Settle(id);
        Assert.Equal(LookupStatus.Geocoding, state!.Status);
        Assert.Null(state.Month);
        Assert.Single(await h.AllConsumed<CrimesFetched>());
        Assert.Empty(await h.AllPublished<Fault<CrimesFetched>>());
    }
}
