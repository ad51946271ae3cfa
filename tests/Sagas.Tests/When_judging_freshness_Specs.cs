using EventDriven.Contracts;

namespace EventDriven.Sagas.Tests;

public sealed class When_judging_freshness_Specs
{
    private static readonly DateTimeOffset Finished = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);
    private static readonly LookupOptions Options = new();

    private static CrimeLookupState State(string status, DateTimeOffset? completedAt = null) =>
        new() { CurrentState = status, CompletedAt = completedAt ?? Finished };

    [Fact]
    public void Should_keep_a_completed_result_fresh_up_to_and_including_ResultsFreshFor()
    {
        var state = State(LookupStatus.Completed);

        Assert.True(state.IsFresh(Options, Finished));
        Assert.True(state.IsFresh(Options, Finished + Options.ResultsFreshFor));
        Assert.False(state.IsFresh(Options, Finished + Options.ResultsFreshFor + TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Should_keep_not_found_fresh_for_NotFoundFreshFor_not_ResultsFreshFor()
    {
        var options = new LookupOptions { ResultsFreshFor = TimeSpan.FromHours(1), NotFoundFreshFor = TimeSpan.FromHours(10) };
        var twoHoursLater = Finished.AddHours(2);

        Assert.False(State(LookupStatus.Completed).IsFresh(options, twoHoursLater));
        Assert.True(State(LookupStatus.NotFound).IsFresh(options, twoHoursLater));
        Assert.False(State(LookupStatus.NotFound).IsFresh(options, Finished.AddHours(10).AddSeconds(1)));
    }

    [Fact]
    public void Should_follow_the_configured_ResultsFreshFor()
    {
        var options = new LookupOptions { ResultsFreshFor = TimeSpan.FromMinutes(10) };

        Assert.True(State(LookupStatus.Completed).IsFresh(options, Finished.AddMinutes(10)));
        Assert.False(State(LookupStatus.Completed).IsFresh(options, Finished.AddMinutes(11)));
    }

    [Theory]
    [InlineData(LookupStatus.Completed)]
    [InlineData(LookupStatus.NotFound)]
    public void Should_not_call_a_finished_lookup_without_a_completion_time_fresh(string status)
    {
        var state = new CrimeLookupState { CurrentState = status, CompletedAt = null };

        Assert.False(state.IsFresh(Options, Finished));
    }

    [Fact]
    public void Should_keep_unsupported_fresh_for_ever()
    {
        Assert.True(State(LookupStatus.Unsupported).IsFresh(Options, Finished.AddYears(5)));
        Assert.True((new CrimeLookupState { CurrentState = LookupStatus.Unsupported }).IsFresh(Options, Finished));
    }

    [Theory]
    [InlineData(LookupStatus.Failed)]
    [InlineData(LookupStatus.Geocoding)]
    [InlineData(LookupStatus.FetchingCrimes)]
    [InlineData("Initial")]
    [InlineData("")]
    [InlineData("completed")]
    public void Should_never_call_other_states_fresh(string status)
    {
        Assert.False(State(status).IsFresh(Options, Finished));
    }

    [Fact]
    public void Should_cover_every_terminal_status()
    {
        // A new terminal status must get a freshness rule: this fails until someone decides it.
        var decided = new[] { LookupStatus.Completed, LookupStatus.NotFound, LookupStatus.NoLocation, LookupStatus.Unsupported, LookupStatus.Failed };

        Assert.Equal(decided.Order(), LookupStatus.All.Where(LookupStatus.IsTerminal).Order());
    }

    [Fact]
    public void Should_cover_a_request_only_with_every_month_stored_since_the_police_last_updated_the_data()
    {
        string[] stored = ["2026-09", "2026-08"];

        Assert.True(LookupFreshness.Covers("2026-10-01", stored, Finished, ["2026-08"], "2026-10-01", Options, Finished.AddDays(60)));
        Assert.True(LookupFreshness.Covers("2026-10-01", stored, Finished, [], "2026-10-01", Options, Finished)); // the newest stored
        // Fetched after the last data update (a later publication added a month): still the police's data.
        Assert.True(LookupFreshness.Covers("2026-11-01", stored, Finished, ["2026-09"], "2026-10-01", Options, Finished));
        Assert.False(LookupFreshness.Covers("2026-10-01", stored, Finished, ["2026-09", "2026-07"], "2026-10-01", Options, Finished));
        Assert.False(LookupFreshness.Covers("2026-10-01", stored, Finished, ["2026-09"], "2026-10-02", Options, Finished));
        Assert.False(LookupFreshness.Covers(null, stored, Finished, ["2026-09"], "2026-10-01", Options, Finished));
        Assert.False(LookupFreshness.Covers("2026-10-01", [], Finished, [], "2026-10-01", Options, Finished));
    }

    [Fact]
    public void Should_fall_back_to_ResultsFreshFor_only_while_the_publication_is_unknown()
    {
        string[] stored = ["2026-09"];

        Assert.True(LookupFreshness.Covers("2026-10-01", stored, Finished, ["2026-09"], null, Options, Finished + Options.ResultsFreshFor));
        Assert.False(LookupFreshness.Covers("2026-10-01", stored, Finished, ["2026-09"], null, Options, Finished + Options.ResultsFreshFor + TimeSpan.FromTicks(1)));
        Assert.False(LookupFreshness.Covers("2026-10-01", stored, null, ["2026-09"], null, Options, Finished));
    }
}
