using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Producers.Lookups;

namespace EventDriven.Producers.Tests;

/// <summary>
/// What an instance remembers of the lookups it accepted (so a poll before the saga has seen the request is not a 404)
/// is bounded in count, not only in time: a flood of distinct lookups cannot grow the process for ten minutes.
/// </summary>
public sealed class When_remembering_accepted_lookups_Specs
{
    private const int Capacity = 100;

    [Fact]
    public void Should_keep_at_most_its_capacity_however_many_are_accepted()
    {
        using var remembered = new RecentlyAcceptedLookups(Capacity);

        foreach (var (id, accepted) in Accepted(10 * Capacity))
        {
            remembered.Remember(id, accepted);
            Assert.True(remembered.Count <= Capacity, $"{remembered.Count} remembered, more than the capacity of {Capacity}");
        }
    }

    [Fact]
    public void Should_remember_the_newest_and_let_the_oldest_go_when_full()
    {
        using var remembered = new RecentlyAcceptedLookups(Capacity);
        var all = Accepted(3 * Capacity);

        foreach (var (id, accepted) in all)
        {
            remembered.Remember(id, accepted);
            Assert.Equal(accepted, remembered.Find(id)); // the one about to be polled is always found
        }

        Assert.Null(remembered.Find(all[0].Id));
    }

    [Fact]
    public void Should_remember_every_lookup_while_below_its_capacity()
    {
        using var remembered = new RecentlyAcceptedLookups(Capacity);
        var all = Accepted(Capacity);

        foreach (var (id, accepted) in all)
        {
            remembered.Remember(id, accepted);
        }

        Assert.All(all, a => Assert.Equal(a.Accepted, remembered.Find(a.Id)));
    }

    private static List<(Guid Id, AcceptedLookup Accepted)> Accepted(int count) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var key = LookupKey.For(Coordinates.Create(52.0 + (i * 0.001), -1.0));
            return (Guid.NewGuid(), new AcceptedLookup(key, LookupStatus.FetchingCrimes, DateTimeOffset.UnixEpoch.AddSeconds(i)));
        })];
}
