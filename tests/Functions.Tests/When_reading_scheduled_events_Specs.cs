using System.Text;
using EventDriven.Functions.Events;

namespace EventDriven.Functions.Tests;

public class When_reading_scheduled_events_Specs
{
    /// <summary>A scheduled event as EventBridge documents it.</summary>
    public const string AwsExample = """
        {"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event","source":"aws.events",
         "account":"123456789012","time":"2026-11-23T03:00:00Z","region":"eu-west-2",
         "resources":["arn:aws:events:eu-west-2:123456789012:rule/eventdriven-dev-snapshot"],"detail":{}}
        """;

    [Fact]
    public async Task Should_read_every_field_of_EventBridge_s_event()
    {
        var scheduledEvent = await ScheduledEvent.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(AwsExample)));

        Assert.Equal("0", scheduledEvent.Version);
        Assert.Equal("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", scheduledEvent.Id);
        Assert.Equal("Scheduled Event", scheduledEvent.DetailType);
        Assert.Equal("aws.events", scheduledEvent.Source);
        Assert.Equal("123456789012", scheduledEvent.Account);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero), scheduledEvent.Time);
        Assert.Equal("eu-west-2", scheduledEvent.Region);
        Assert.Equal(["arn:aws:events:eu-west-2:123456789012:rule/eventdriven-dev-snapshot"], scheduledEvent.Resources);
        Assert.Null(scheduledEvent.DetailFlag("dryRun"));
    }

    [Fact]
    public void Should_round_trip_the_events_the_scheduler_makes()
    {
        var made = ScheduledEvent.For("arn:aws:events:local:000000000000:rule/SnapshotSchedule", new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));

        var read = ScheduledEvent.Parse(made.ToJson());

        Assert.Equal(made.Id, read.Id);
        Assert.Equal(made.Time, read.Time);
        Assert.Equal(made.Resources, read.Resources);
        Assert.Contains("\"detail-type\":\"Scheduled Event\"", made.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_read_a_dry_run_flag_from_the_detail()
    {
        var scheduledEvent = ScheduledEvent.Parse(AwsExample.Replace("\"detail\":{}", "\"detail\":{\"dryRun\":true}", StringComparison.Ordinal));

        Assert.True(scheduledEvent.DetailFlag("dryRun"));
    }

    [Theory]
    [InlineData("", "input is empty")]
    [InlineData("   ", "input is empty")]
    [InlineData("{\"version\":", "not valid JSON")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object, not an array")]
    [InlineData("\"Scheduled Event\"", "must be a JSON object, not a string")]
    [InlineData("{\"id\":\"1\",\"source\":\"aws.events\",\"time\":\"2026-11-23T03:00:00Z\"}", "no 'detail-type'")]
    [InlineData("{\"id\":\"1\",\"detail-type\":\"EC2 Instance State-change Notification\",\"source\":\"aws.ec2\",\"time\":\"2026-11-23T03:00:00Z\"}", "only take \"Scheduled Event\"")]
    [InlineData("{\"id\":\"1\",\"detail-type\":\"Scheduled Event\",\"source\":\"my.app\",\"time\":\"2026-11-23T03:00:00Z\"}", "comes from \"aws.events\"")]
    [InlineData("{\"id\":\"1\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\"}", "no 'time'")]
    [InlineData("{\"id\":\"1\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"time\":\"yesterday\"}", "not an ISO 8601 time")]
    [InlineData("{\"id\":\"1\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"time\":42}", "'time' must be a non-empty string, not a number")]
    [InlineData("{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"time\":\"2026-11-23T03:00:00Z\"}", "no 'id'")]
    [InlineData("{\"id\":\"1\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"time\":\"2026-11-23T03:00:00Z\",\"resources\":\"rule\"}", "'resources' must be an array of strings")]
    [InlineData("{\"id\":\"1\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"time\":\"2026-11-23T03:00:00Z\",\"detail\":[]}", "'detail' must be a JSON object")]
    [InlineData("{\"id\":\"1\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"time\":\"2026-11-23T03:00:00Z\",\"region\":7}", "'region' must be a string")]
    public void Should_refuse_malformed_events_saying_what_is_wrong(string json, string reason)
    {
        var error = Assert.Throws<InvalidScheduledEventException>(() => ScheduledEvent.Parse(json));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_an_oversized_input_without_reading_it_all()
    {
        var huge = new MemoryStream(new byte[ScheduledEvent.MaxInputBytes + 1]);

        var error = await Assert.ThrowsAsync<InvalidScheduledEventException>(() => ScheduledEvent.ReadAsync(huge));

        Assert.Contains("larger than 256 KB", error.Message, StringComparison.Ordinal);
    }
}
