using EventDriven.Contracts;
using EventDriven.Contracts.Police;

namespace EventDriven.Contracts.Tests;

public sealed class When_reading_what_the_police_published_Specs
{
    private static readonly DateTimeOffset At = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static PolicePublication Published(string lastUpdated, string dataUpdated, params string[] months) =>
        new(lastUpdated, dataUpdated, months, [new("all-crime", "All crime"), new("burglary", "Burglary")], At, At);

    [Fact]
    public void Should_keep_the_data_update_when_a_newer_month_is_published()
    {
        var before = Published("2026-10-01", "2026-10-01", "2026-09", "2026-08");

        Assert.Equal("2026-10-01", PolicePublication.DataUpdatedAfter(before, "2026-11-01", ["2026-10", "2026-09", "2026-08"]));
    }

    [Fact]
    public void Should_move_the_data_update_when_the_same_months_are_republished()
    {
        var before = Published("2026-10-01", "2026-10-01", "2026-09", "2026-08");

        Assert.Equal("2026-10-02", PolicePublication.DataUpdatedAfter(before, "2026-10-02", ["2026-09", "2026-08"]));
        // Nothing moved: nothing changes.
        Assert.Equal("2026-10-01", PolicePublication.DataUpdatedAfter(before, "2026-10-01", ["2026-09", "2026-08"]));
        // Nothing known before: the first check is the data's date.
        Assert.Equal("2026-10-01", PolicePublication.DataUpdatedAfter(null, "2026-10-01", ["2026-09"]));
    }

    [Fact]
    public void Should_call_a_month_current_when_fetched_at_or_after_the_last_data_update()
    {
        var publication = Published("2026-11-01", "2026-10-01", "2026-10", "2026-09");

        Assert.True(publication.IsCurrent("2026-10-01"));
        Assert.True(publication.IsCurrent("2026-11-01"));
        Assert.False(publication.IsCurrent("2026-09-30"));
        Assert.False(publication.IsCurrent(null));
    }

    [Fact]
    public void Should_list_the_newest_months_and_know_its_months_and_categories()
    {
        var publication = Published("2026-11-01", "2026-11-01", "2026-10", "2026-09", "2026-08");

        Assert.Equal("2026-10", publication.LatestMonth);
        Assert.Equal(["2026-10", "2026-09"], publication.Newest(2));
        Assert.Equal(3, publication.Newest(12).Count);
        Assert.True(publication.Lists("2026-09"));
        Assert.False(publication.Lists("2026-11"));
        Assert.True(publication.HasCategory("burglary"));
        Assert.False(publication.HasCategory("Burglary"));
    }

    [Theory]
    [InlineData(2015, 6, "Terminated in June 2015: the postcode is no longer in use.")]
    [InlineData(1996, 12, "Terminated in December 1996: the postcode is no longer in use.")]
    [InlineData(2015, 13, "Terminated: the postcode is no longer in use.")]
    [InlineData(0, 6, "Terminated: the postcode is no longer in use.")]
    public void Should_say_when_a_postcode_was_terminated(int year, int month, string reason)
    {
        Assert.Equal(reason, LookupReasons.Terminated(year, month));
        Assert.True(LookupReasons.IsTerminated(reason));
        Assert.False(LookupReasons.IsTerminated("Postcode not found"));
    }
}
