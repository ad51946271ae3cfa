using EventDriven.Functions.Schedules;

namespace EventDriven.Functions.Tests;

/// <summary>EventBridge's documented examples ("Schedule expressions for rules") and the rules of its syntax.</summary>
public class When_parsing_schedule_expressions_Specs
{
    [Theory]
    // AWS's cron examples
    [InlineData("cron(0 10 * * ? *)")]
    [InlineData("cron(15 12 * * ? *)")]
    [InlineData("cron(0 18 ? * MON-FRI *)")]
    [InlineData("cron(0 8 1 * ? *)")]
    [InlineData("cron(0/15 * * * ? *)")]
    [InlineData("cron(0/10 * ? * MON-FRI *)")]
    [InlineData("cron(0/5 8-17 ? * MON-FRI *)")]
    [InlineData("cron(0 9 ? * 2#1 *)")]
    // the wildcards the syntax table lists
    [InlineData("cron(0 3 * * ? *)")]
    [InlineData("cron(0 0 L * ? *)")]
    [InlineData("cron(0 0 LW * ? *)")]
    [InlineData("cron(0 0 15W * ? *)")]
    [InlineData("cron(0 0 ? * 6L *)")]
    [InlineData("cron(0 0 ? * L *)")]
    [InlineData("cron(0 0 1 JAN,JUL ? 2027-2030)")]
    [InlineData("cron(1/10 * * * ? 2026/2)")]
    [InlineData("cron(0 12 ? * sun,sat *)")]
    // lists of values, ranges and value-based increments (an increment inside a list is EventBridge syntax; Cronos reads it)
    [InlineData("cron(0/15,7 * * * ? *)")]
    [InlineData("cron(7,0/15 * * * ? *)")]
    [InlineData("cron(0 1-5,10 * * ? *)")]
    [InlineData("cron(10-20/5,0 * * * ? *)")]
    [InlineData("cron(0 0 1/10,31 * ? *)")]
    [InlineData("cron(0 0 1 JAN/3,DEC ? *)")]
    [InlineData("cron(0 0 ? * MON,WED-FRI *)")]
    [InlineData("cron(0 0 1 1 ? 2027,2030/5)")]
    // AWS's rate examples: singular for 1, plural otherwise
    [InlineData("rate(1 minute)")]
    [InlineData("rate(5 minutes)")]
    [InlineData("rate(1 hour)")]
    [InlineData("rate(12 hours)")]
    [InlineData("rate(1 day)")]
    [InlineData("rate(7 days)")]
    public void Should_accept_what_EventBridge_accepts(string expression)
    {
        Assert.True(ScheduleExpression.TryParse(expression, out var parsed, out var error), error);
        Assert.Equal(expression, parsed.Text);
    }

    [Theory]
    [InlineData("cron(0 10 * * * *)", "cannot both be given")]
    [InlineData("cron(0 10 1 * MON *)", "cannot both be given")]
    [InlineData("cron(0 10 ? * ? *)", "cannot both be '?'")]
    [InlineData("cron(0 18 ? * MON-FRI)", "exactly 6 fields")]
    [InlineData("cron(0 18 * * ? * *)", "exactly 6 fields")]
    [InlineData("cron(60 * * * ? *)", "outside minutes's range 0-59")]
    [InlineData("cron(0 24 * * ? *)", "outside hours's range 0-23")]
    [InlineData("cron(0 0 32 * ? *)", "outside day-of-month's range 1-31")]
    [InlineData("cron(0 0 0 * ? *)", "outside day-of-month's range 1-31")]
    [InlineData("cron(0 0 1 13 ? *)", "outside month's range 1-12")]
    [InlineData("cron(0 0 ? * 8 *)", "outside day-of-week's range 1-7")]
    [InlineData("cron(0 0 ? * 0 *)", "outside day-of-week's range 1-7")]
    [InlineData("cron(0 0 1 1 ? 1969)", "outside year's range 1970-2199")]
    [InlineData("cron(0 0 1 1 ? 2200)", "outside year's range 1970-2199")]
    [InlineData("cron(0 9 ? * 3#1,6#3 *)", "one expression only")]
    [InlineData("cron(0 9 ? * 3#6 *)", "1-5")]
    [InlineData("cron(0 0 ? * 2W *)", "day-of-week")]
    [InlineData("cron(0 0 1 ? ? *)", "not a month value")]
    [InlineData("cron(0 0 1,L * ? *)", "L and W stand alone")]
    [InlineData("cron(0 0 1,15W * ? *)", "L and W stand alone")]
    [InlineData("cron(0 0 15W,1 * ? *)", "L and W stand alone")]
    [InlineData("cron(0 0 ? * 1,6L *)", "L stands alone")]
    [InlineData("cron(0 0 ? * 6L,1 *)", "L stands alone")]
    [InlineData("cron(0 0 ? * L,1 *)", "L stands alone")]
    [InlineData("cron(0 0 ? * MON/2 *)", "not '/'")]
    [InlineData("cron(0 0 ? FOO * *)", "not a month value")]
    [InlineData("cron(0 0 ? * FUNDAY *)", "not a day-of-week value")]
    [InlineData("cron(5-1 * * * ? *)", "starts after it ends")]
    [InlineData("cron(0/0 * * * ? *)", "increment")]
    [InlineData("cron(0/61 * * * ? *)", "increment")]
    [InlineData("cron(0,,5 * * * ? *)", "Empty item")]
    [InlineData("cron(? * * * ? *)", "minutes")]
    [InlineData("rate(1 minutes)", "singular")]
    [InlineData("rate(5 minute)", "plural")]
    [InlineData("rate(0 minutes)", "positive whole number")]
    [InlineData("rate(-5 minutes)", "positive whole number")]
    [InlineData("rate(1.5 hours)", "positive whole number")]
    [InlineData("rate(5 seconds)", "not one of minute")]
    [InlineData("rate(2 weeks)", "not one of minute")]
    [InlineData("rate(5)", "a value and a unit")]
    [InlineData("rate(5  minutes)", "a value and a unit")]
    [InlineData("rate(5 Minutes)", "not one of minute")]
    [InlineData("Rate(5 minutes)", "must be rate(value unit) or cron(")]
    [InlineData("cron(0 3 * * ? *", "must be rate(value unit) or cron(")]
    [InlineData("every 5 minutes", "must be rate(value unit) or cron(")]
    [InlineData("0 3 * * ? *", "must be rate(value unit) or cron(")]
    [InlineData("", "is required")]
    [InlineData(null, "is required")]
    public void Should_reject_what_EventBridge_rejects_saying_why(string? expression, string reason)
    {
        var error = Assert.Throws<InvalidScheduleExpressionException>(() => ScheduleExpression.Parse(expression));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{expression}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cron(*/5,0 * * * ? *)", "minutes: '*/5' covers the whole field and cannot be combined with other values in a list ('*/5,0'); use '0/5,...' or '*/5' alone.")]
    [InlineData("cron(0,*/5 * * * ? *)", "minutes: '*/5' covers the whole field and cannot be combined with other values in a list ('0,*/5'); use '0/5,...' or '*/5' alone.")]
    [InlineData("cron(0 *,1 * * ? *)", "hours: '*' covers the whole field and cannot be combined with other values in a list ('*,1'); use '*' alone.")]
    [InlineData("cron(0,* 0 * * ? *)", "minutes: '*' covers the whole field and cannot be combined with other values in a list ('0,*'); use '*' alone.")]
    [InlineData("cron(*,* 0 * * ? *)", "minutes: '*' covers the whole field and cannot be combined with other values in a list ('*,*'); use '*' alone.")]
    [InlineData("cron(0 0 */10,31 * ? *)", "day-of-month: '*/10' covers the whole field and cannot be combined with other values in a list ('*/10,31'); use '1/10,...' or '*/10' alone.")]
    [InlineData("cron(0 0 1 JAN,*/3 ? *)", "month: '*/3' covers the whole field and cannot be combined with other values in a list ('JAN,*/3'); use '1/3,...' or '*/3' alone.")]
    [InlineData("cron(0 0 ? * MON,* *)", "day-of-week: '*' covers the whole field and cannot be combined with other values in a list ('MON,*'); use '*' alone.")]
    [InlineData("cron(0 0 1 1 ? 2027,*)", "year: '*' covers the whole field and cannot be combined with other values in a list ('2027,*'); use '*' alone.")]
    [InlineData("cron(0 0 1 1 ? */2,2027)", "year: '*/2' covers the whole field and cannot be combined with other values in a list ('*/2,2027'); use '1970/2,...' or '*/2' alone.")]
    public void Should_refuse_a_star_in_a_list_naming_the_field_and_the_item(string expression, string reason)
    {
        // '*' includes all values of the field (EventBridge's syntax table), so it stands alone. Before this check these
        // lists passed every item check and then failed in Cronos with "not a schedule EventBridge can run".
        var error = Assert.Throws<InvalidScheduleExpressionException>(() => ScheduleExpression.Parse(expression));
        Assert.Equal(reason, error.Reason);
    }

    /// <summary>
    /// Every list of two or three item shapes in every field. The item checks run first and Cronos last, so any shape they
    /// let through that Cronos cannot read would end in Cronos's reasonless "not a schedule EventBridge can run".
    /// </summary>
    public static TheoryData<string, bool> ListShapes()
    {
        (string Name, string[] Shapes, Func<string, string> Expression)[] fields =
        [
            ("minutes", ["*", "*/5", "7", "1-5", "0/15", "10-20/5", "59"], f => $"cron({f} 0 * * ? *)"),
            ("hours", ["*", "*/6", "23", "1-5", "0/12", "8-17/3"], f => $"cron(0 {f} * * ? *)"),
            ("day-of-month", ["*", "*/10", "31", "1-5", "1/10", "10-20/5"], f => $"cron(0 0 {f} * ? *)"),
            ("month", ["*", "*/3", "12", "JAN-MAR", "1/4", "FEB-DEC/2"], f => $"cron(0 0 1 {f} ? *)"),
            ("day-of-week", ["*", "7", "MON-FRI", "SUN", "2-3"], f => $"cron(0 0 ? * {f} *)"),
            ("year", ["*", "*/2", "2030", "2027-2029", "2026/4", "2030-2040/5"], f => $"cron(0 0 1 1 ? {f})"),
        ];
        var data = new TheoryData<string, bool>();
        foreach (var (_, shapes, expression) in fields)
        {
            foreach (var a in shapes)
            {
                foreach (var b in shapes)
                {
                    var hasStar = a.StartsWith('*') || b.StartsWith('*');
                    data.Add(expression($"{a},{b}"), !hasStar);
                    data.Add(expression($"{a},{b},{shapes[^1]}"), !hasStar);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ListShapes))]
    public void Should_accept_a_list_or_say_which_item_is_wrong_never_the_generic_error(string expression, bool accepted)
    {
        var parsed = ScheduleExpression.TryParse(expression, out var schedule, out var error);

        Assert.DoesNotContain("not a schedule EventBridge can run", error, StringComparison.Ordinal);
        Assert.Equal(accepted, parsed);
        if (parsed)
        {
            // Cronos read it as a schedule that has a next run (every shape above has one).
            Assert.NotNull(schedule.GetNextOccurrence(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)));
        }
        else
        {
            Assert.Contains("covers the whole field and cannot be combined with other values in a list", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    // every night at 03:00 UTC (the snapshot rule)
    [InlineData("cron(0 3 * * ? *)", "2026-11-23T02:59:00Z", "2026-11-23T03:00:00Z")]
    [InlineData("cron(0 3 * * ? *)", "2026-11-23T03:00:00Z", "2026-11-24T03:00:00Z")]
    [InlineData("cron(0 3 * * ? *)", "2026-12-31T03:00:01Z", "2027-01-01T03:00:00Z")]
    // rate: aligned to whole periods, strictly after
    [InlineData("rate(5 minutes)", "2026-11-23T10:02:30Z", "2026-11-23T10:05:00Z")]
    [InlineData("rate(5 minutes)", "2026-11-23T10:05:00Z", "2026-11-23T10:10:00Z")]
    [InlineData("rate(1 day)", "2026-11-23T10:05:00Z", "2026-11-24T00:00:00Z")]
    // last day of the month, month ends and leap years
    [InlineData("cron(0 0 L * ? *)", "2026-02-10T00:00:00Z", "2026-02-28T00:00:00Z")]
    [InlineData("cron(0 0 L * ? *)", "2028-02-10T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("cron(0 0 L * ? *)", "2026-04-30T00:00:00Z", "2026-05-31T00:00:00Z")]
    [InlineData("cron(0 0 31 * ? *)", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z")]
    [InlineData("cron(0 12 29 2 ? *)", "2026-01-01T00:00:00Z", "2028-02-29T12:00:00Z")]
    // nearest weekday and last weekday
    [InlineData("cron(0 0 1W * ? *)", "2026-07-31T00:00:00Z", "2026-08-03T00:00:00Z")]
    [InlineData("cron(0 0 LW * ? *)", "2026-05-01T00:00:00Z", "2026-05-29T00:00:00Z")]
    // # and L in day-of-week; 1 = SUN as in Quartz
    [InlineData("cron(0 9 ? * 2#1 *)", "2026-11-23T00:00:00Z", "2026-12-07T09:00:00Z")]
    [InlineData("cron(0 0 ? * 6L *)", "2026-11-01T00:00:00Z", "2026-11-27T00:00:00Z")]
    [InlineData("cron(0 0 ? * L *)", "2026-11-23T00:00:00Z", "2026-11-28T00:00:00Z")]
    [InlineData("cron(0 0 ? * 1 *)", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z")]
    [InlineData("cron(0 18 ? * MON-FRI *)", "2026-11-27T18:00:00Z", "2026-11-30T18:00:00Z")]
    // the year field
    [InlineData("cron(0 0 1 1 ? 2030)", "2026-11-23T00:00:00Z", "2030-01-01T00:00:00Z")]
    [InlineData("cron(0 0 1 JAN,JUL ? 2027-2030)", "2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z")]
    [InlineData("cron(0 0 29 2 ? 2026/2)", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    // lists: an increment with a value, a range with a value
    [InlineData("cron(0/15,7 * * * ? *)", "2026-11-23T10:00:00Z", "2026-11-23T10:07:00Z")]
    [InlineData("cron(0/15,7 * * * ? *)", "2026-11-23T10:07:00Z", "2026-11-23T10:15:00Z")]
    [InlineData("cron(0 1-5,10 * * ? *)", "2026-11-23T05:00:00Z", "2026-11-23T10:00:00Z")]
    [InlineData("cron(0 1-5,10 * * ? *)", "2026-11-23T10:00:00Z", "2026-11-24T01:00:00Z")]
    [InlineData("cron(0 0 ? * MON,WED-FRI *)", "2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z")]
    public void Should_compute_the_next_occurrence_in_UTC(string expression, string after, string expected)
    {
        var schedule = ScheduleExpression.Parse(expression);

        var next = schedule.GetNextOccurrence(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Fact]
    public void Should_end_when_the_year_field_runs_out()
    {
        var schedule = ScheduleExpression.Parse("cron(0 0 1 1 ? 2027-2028)");

        var occurrences = schedule.GetNextOccurrences(DateTimeOffset.Parse("2026-06-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 5);

        Assert.Equal(
            [new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2028, 1, 1, 0, 0, 0, TimeSpan.Zero)],
            occurrences);
    }

    [Fact]
    public void Should_treat_a_time_in_another_offset_as_the_same_instant()
    {
        var schedule = ScheduleExpression.Parse("cron(0 3 * * ? *)");

        // 04:30 in UTC+2 is 02:30 UTC: the 03:00 UTC run of the same day is next.
        var next = schedule.GetNextOccurrence(new DateTimeOffset(2026, 11, 23, 4, 30, 0, TimeSpan.FromHours(2)));

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void Should_list_every_fifteen_minutes_on_the_quarter_hours()
    {
        var schedule = ScheduleExpression.Parse("cron(0/15 * * * ? *)");

        var occurrences = schedule.GetNextOccurrences(new DateTimeOffset(2026, 11, 23, 23, 40, 0, TimeSpan.Zero), 3);

        Assert.Equal(
            [new DateTimeOffset(2026, 11, 23, 23, 45, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 0, 15, 0, TimeSpan.Zero)],
            occurrences);
    }
}
