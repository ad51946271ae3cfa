using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;

namespace EventDriven.Sagas.Tests;

/// <summary>
/// Freshness follows the police's publication: a completed lookup stands while it holds every month asked for, fetched
/// since the police last updated the data (as the requester knows it); a new month or a data update starts a new
/// attempt for what is missing or stale, and only that.
/// </summary>
public sealed class When_the_police_publish_Specs
{
    private const string September = "2026-09";
    private const string August = "2026-08";
    private const string July = "2026-07";
    private const string October = "2026-10";
    private const string Updated = "2026-10-01";
    private const string UpdatedAgain = "2026-10-02";
    private const string NextPublication = "2026-11-01";

    private static readonly Guid Id = LookupKey.For(Postcode.Parse("SW1A 1AA")).CorrelationId;

    [Fact]
    public async Task Should_keep_the_answer_while_crime_last_updated_stands_however_long()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        await Completed(h, [September], Updated);
        h.Time.Advance(TimeSpan.FromDays(40)); // far past ResultsFreshFor: the clock does not decide

        await Request(h, [September], Updated);
        var state = await h.WaitFor(Id, m => m.Completed, x => x.RequestCount == 3);

        Assert.Equal(1, state.Attempts);
        Assert.Single(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_fetch_again_straight_away_once_the_police_updated_the_data_without_geocoding()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        await Completed(h, [September], Updated);

        await Request(h, [September], UpdatedAgain);
        var state = await h.WaitFor(Id, m => m.FetchingCrimes, x => x.Attempts == 2);

        Assert.Equal([September], state.PendingMonths);
        Assert.Single(await h.AllSent<GeocodePostcode>());
        var sent = await h.AllSent<FetchCrimes>();
        Assert.Equal([September], sent[^1].Message.Months);

        await h.Publish(new CrimesFetched(Id, September, 30, "simulated", [September], UpdatedAgain, UpdatedAgain));
        var done = await h.WaitFor(Id, m => m.Completed, x => x.Attempts == 2);
        Assert.Equal(UpdatedAgain, done.PoliceLastUpdated);
        Assert.Equal(30, done.TotalCrimes);
    }

    [Fact]
    public async Task Should_fetch_a_newly_published_month_and_keep_the_older_ones_readable()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        await Completed(h, [September], Updated);

        // The police publish October: crime-last-updated moves, the data of September stays as it was.
        await Request(h, [October], Updated);
        var fetching = await h.WaitFor(Id, m => m.FetchingCrimes, x => x.Attempts == 2);
        Assert.True(fetching.Answers([September], Updated, h.Options, h.Now)); // readable while October is fetched
        await h.Publish(new CrimesFetched(Id, October, 5, "simulated", [October], NextPublication, Updated));
        var state = await h.WaitFor(Id, m => m.Completed, x => x.Attempts == 2);

        Assert.Equal([October, September], state.Months);
        Assert.Equal(October, state.Month);
        Assert.Equal(5, state.TotalCrimes);
        Assert.Equal(Updated, state.PoliceLastUpdated); // the older stamp: the set is as current as its oldest month
        Assert.True(state.Answers([September], Updated, h.Options, h.Now));
        Assert.True(state.Answers([October, September], Updated, h.Options, h.Now));
        Assert.Equal(2, (await h.AllSent<FetchCrimes>()).Count);
    }

    [Fact]
    public async Task Should_replace_months_fetched_before_a_data_update()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        await Completed(h, [September, August, July], Updated);

        await Request(h, [September], UpdatedAgain);
        await h.WaitFor(Id, m => m.FetchingCrimes, x => x.Attempts == 2);
        await h.Publish(new CrimesFetched(Id, September, 3, "simulated", [September], UpdatedAgain, UpdatedAgain));
        var state = await h.WaitFor(Id, m => m.Completed, x => x.Attempts == 2);

        Assert.Equal([September], state.Months);
        Assert.False(state.Answers([August], UpdatedAgain, h.Options, h.Now));
    }

    [Fact]
    public async Task Should_fetch_only_the_months_a_request_adds_while_fetching_and_complete_when_all_are_stored()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        await Geocoded(h, [September], Updated);

        await Request(h, [September, August, July], Updated);
        var state = await h.WaitFor(Id, m => m.FetchingCrimes, x => x.RequestCount == 2);
        Assert.Equal([September, August, July], state.PendingMonths);
        var sent = await h.AllSent<FetchCrimes>();
        Assert.Equal(2, sent.Count);
        Assert.Equal([September], sent[0].Message.Months);
        Assert.Equal([August, July], sent[1].Message.Months);

        await h.Publish(new CrimesFetched(Id, September, 9, "simulated", [September], Updated, Updated));
        await h.WaitFor(Id, m => m.FetchingCrimes, x => x.PendingMonths.Count == 2);
        await h.Publish(new CrimesFetched(Id, August, 8, "simulated", [August, July], Updated, Updated));
        var done = await h.WaitFor(Id, m => m.Completed);

        Assert.Equal([September, August, July], done.Months);
        Assert.Equal(September, done.Month);
        Assert.Equal(9, done.TotalCrimes);
        Assert.Empty(done.PendingMonths!);
    }

    [Fact]
    public async Task Should_treat_a_repeated_request_while_fetching_as_a_duplicate()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        await Geocoded(h, [September, August], Updated);

        await Request(h, [August], Updated);
        await Request(h, [September, August], Updated);
        await h.WaitFor(Id, m => m.FetchingCrimes, x => x.RequestCount == 3);

        Assert.Single(await h.AllSent<FetchCrimes>());
    }

    [Fact]
    public async Task Should_carry_months_asked_while_geocoding_into_the_fetch()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        await h.Publish(new PostcodeRequested(Id, "SW1A 1AA", h.Now, [September], Updated));
        await h.WaitFor(Id, m => m.Geocoding);
        await Request(h, [July], Updated);
        await h.WaitFor(Id, m => m.Geocoding, x => x.RequestCount == 2);

        await h.Publish(new PostcodeGeocoded(Id, "SW1A 1AA", 51.501009, -0.141588, "England", "Metropolitan Police"));
        await h.WaitFor(Id, m => m.FetchingCrimes);

        var fetch = Assert.Single(await h.AllSent<FetchCrimes>()).Message;
        Assert.Equal([September, July], fetch.Months);
        Assert.Equal("Metropolitan Police", fetch.PoliceForceArea);
    }

    [Fact]
    public async Task Should_never_answer_as_current_a_late_reply_fetched_before_a_data_update()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        await Completed(h, [September], UpdatedAgain);
        await Request(h, [August], UpdatedAgain);
        await h.WaitFor(Id, m => m.FetchingCrimes, x => x.Attempts == 2);

        // A worker that had not seen the data update yet.
        await h.Publish(new CrimesFetched(Id, August, 4, "simulated", [August], Updated, Updated));
        var state = await h.WaitFor(Id, m => m.Completed, x => x.Attempts == 2);

        // It costs a re-fetch at the next request, never a stale answer.
        Assert.Equal(Updated, state.PoliceLastUpdated);
        Assert.False(state.Answers([August], UpdatedAgain, h.Options, h.Now));
        Assert.False(state.Answers([September], UpdatedAgain, h.Options, h.Now));
    }

    [Fact]
    public async Task Should_complete_a_failed_lookup_from_a_replayed_fetch_with_its_months()
    {
        await using var h = await LookupSagaHarness.StartAsync();
        await Geocoded(h, [September, August], Updated);
        await h.Publish(new LookupFailed(Id, "data.police.uk was down"));
        await h.WaitFor(Id, m => m.Failed);

        await h.Publish(new CrimesFetched(Id, September, 2, "simulated", [September, August], Updated, Updated));
        var state = await h.WaitFor(Id, m => m.Completed);

        Assert.Equal([September, August], state.Months);
        Assert.Empty(state.PendingMonths!);
    }

    /// <summary>A request for the months by an API that knows the police last updated the data at <paramref name="dataUpdated"/>.</summary>
    private static Task Request(LookupSagaHarness h, IReadOnlyList<string> months, string dataUpdated) =>
        h.Publish(new PostcodeRequested(Id, "SW1A 1AA", h.Now, months, dataUpdated));

    private static async Task Geocoded(LookupSagaHarness h, IReadOnlyList<string> months, string dataUpdated)
    {
        await Request(h, months, dataUpdated);
        await h.WaitFor(Id, m => m.Geocoding);
        await h.Publish(new PostcodeGeocoded(Id, "SW1A 1AA", 51.501009, -0.141588, "England"));
        await h.WaitFor(Id, m => m.FetchingCrimes);
    }

    /// <summary>Completed with the months fetched at the data update <paramref name="updated"/>, then asked again once alike (2 requests).</summary>
    private static async Task Completed(LookupSagaHarness h, IReadOnlyList<string> months, string updated)
    {
        await Geocoded(h, months, updated);
        await h.Publish(new CrimesFetched(Id, months[0], 10, "simulated", months, updated, updated));
        await h.WaitFor(Id, m => m.Completed);
        await Request(h, months, updated);
        var state = await h.WaitFor(Id, m => m.Completed, x => x.RequestCount == 2);
        Assert.Equal(LookupStatus.Completed, state.Status);
        Assert.Equal(months, state.Months);
    }
}
