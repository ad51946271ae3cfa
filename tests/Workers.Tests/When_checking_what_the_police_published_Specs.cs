using EventDriven.Persistence;
using EventDriven.Persistence.InMemory;
using EventDriven.Sagas;
using EventDriven.Simulator;
using EventDriven.Workers.Publication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Workers.Tests;

/// <summary>
/// The fleet's one record of what data.police.uk published: several processes (here, several checkers on one store)
/// share it, one of them checks per interval, and the police budget pays for a change, not for every process.
/// </summary>
public sealed class When_checking_what_the_police_published_Specs : IDisposable
{
    private readonly UpstreamTestHost _host = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero));
    private readonly InMemoryPolicePublicationStore _store = new();
    private readonly LookupOptions _options = new();

    private UpstreamSimulator Simulator => _host.Simulator;

    [Fact]
    public async Task Should_check_once_per_interval_for_the_whole_fleet()
    {
        var (first, second) = (Checker(), Checker());

        Assert.NotNull(await first.CheckIfDueAsync(CancellationToken.None));
        Assert.Null(await second.CheckIfDueAsync(CancellationToken.None));
        Assert.Equal(3, Simulator.Stats.PublicationRequests); // crime-last-updated, the months, the categories

        _time.Advance(_options.PublicationCheckInterval);
        Assert.NotNull(await second.CheckIfDueAsync(CancellationToken.None));
        Assert.Null(await first.CheckIfDueAsync(CancellationToken.None));

        // Nothing moved: only crime-last-updated was asked.
        Assert.Equal(4, Simulator.Stats.PublicationRequests);
        Assert.Equal(2, Simulator.Stats.LastUpdatedRequests);
        Assert.Equal(_time.GetUtcNow(), (await _store.GetAsync())!.CheckedAt);
    }

    [Fact]
    public async Task Should_list_the_months_again_when_a_month_is_published()
    {
        var checker = Checker();
        var before = await checker.CheckIfDueAsync(CancellationToken.None);

        Simulator.Publication.PublishMonth();
        _time.Advance(_options.PublicationCheckInterval);
        var after = await checker.CheckIfDueAsync(CancellationToken.None);

        Assert.NotEqual(before!.LastUpdated, after!.LastUpdated);
        // A newer month leaves the months already published as they were: their data was not updated.
        Assert.Equal(before.DataUpdated, after.DataUpdated);
        Assert.True(after.IsCurrent(before.LastUpdated));
        Assert.Equal(before.LatestMonth, after.Months[1]);
        Assert.Equal(Simulator.AvailableMonths(), after.Months);
        Assert.Equal(2, Simulator.Stats.DatesRequests);
        Assert.Contains(after.Categories, c => c.Url == "burglary");
    }

    [Fact]
    public async Task Should_see_a_data_update_when_crime_last_updated_moves_with_the_same_months()
    {
        var checker = Checker();
        var before = await checker.CheckIfDueAsync(CancellationToken.None);

        Simulator.Publication.UpdateData();
        _time.Advance(_options.PublicationCheckInterval);
        var after = await checker.CheckIfDueAsync(CancellationToken.None);

        Assert.Equal(before!.Months, after!.Months);
        Assert.Equal(after.LastUpdated, after.DataUpdated);
        Assert.False(after.IsCurrent(before.LastUpdated));
        Assert.True(after.IsCurrent(after.LastUpdated));
    }

    [Fact]
    public async Task Should_keep_the_record_and_try_again_next_interval_when_the_police_api_is_down()
    {
        var checker = Checker();
        var known = await checker.CheckIfDueAsync(CancellationToken.None);
        Simulator.Faults.Current = new FaultSettings(TimeSpan.Zero, 0, Outage: true, FaultTarget.PoliceApi);
        _time.Advance(_options.PublicationCheckInterval);

        await Assert.ThrowsAnyAsync<Exception>(() => checker.CheckIfDueAsync(CancellationToken.None));
        Assert.Equal(known, await _store.GetAsync());
        // The failed check still spent the interval's claim: no process retries in a loop against a down API.
        Assert.Null(await Checker().CheckIfDueAsync(CancellationToken.None));

        Simulator.Faults.Reset();
        _time.Advance(_options.PublicationCheckInterval);
        Assert.NotNull(await checker.CheckIfDueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Should_check_at_once_when_a_crimes_fetch_finds_no_record_and_let_only_one_process_do_it()
    {
        var first = await Checker().GetAsync(CancellationToken.None);
        Assert.Equal(Simulator.AvailableMonths()[0], first.LatestMonth);
        Assert.Equal(first, await Checker().GetAsync(CancellationToken.None));
        Assert.Equal(3, Simulator.Stats.PublicationRequests);

        // A fresh store whose first check another process has claimed: nothing to read yet, so try again later.
        var empty = new InMemoryPolicePublicationStore();
        Assert.True(await empty.TryClaimCheckAsync(_time.GetUtcNow(), DateTimeOffset.MinValue));
        await Assert.ThrowsAsync<PublicationUnknownException>(() => Checker(empty).GetAsync(CancellationToken.None));
    }

    private PolicePublications Checker(IPolicePublicationStore? store = null) =>
        new(_host.Get<IServiceScopeFactory>(), store ?? _store, _time, Options.Create(_options), NullLogger<PolicePublications>.Instance);

    public void Dispose() => _host.Dispose();
}
