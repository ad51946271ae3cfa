using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using EventDriven.Functions.Events;
using EventDriven.Functions.Hosting;
using EventDriven.Functions.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace EventDriven.Functions.Tests;

public class When_taking_snapshots_Specs
{
    private const string TagKey = "eventdriven:snapshot";
    private static readonly DateTimeOffset ThreeAm = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(ThreeAm.AddSeconds(2));
    private readonly FakeEc2 _ec2;

    public When_taking_snapshots_Specs() => _ec2 = new FakeEc2(_time, pageSize: 2);

    private SnapshotFunction Function(Action<SnapshotOptions>? configure = null, IAmazonS3? s3 = null)
    {
        var options = new SnapshotOptions { VolumeTagKey = TagKey, VolumeTagValue = "true", RetentionDays = 14, KeepNewest = 3 };
        configure?.Invoke(options);
        return new SnapshotFunction(_ec2.Client, s3, _time, Options.Create(options), NullLogger<SnapshotFunction>.Instance);
    }

    private static ScheduledEvent At(DateTimeOffset time, bool? dryRun = null) =>
        ScheduledEvent.For("arn:aws:events:eu-west-2:111122223333:rule/SnapshotSchedule", time,
            detail: dryRun is null ? null : JsonDocument.Parse($"{{\"dryRun\":{(dryRun.Value ? "true" : "false")}}}").RootElement);

    [Fact]
    public async Task Should_snapshot_every_tagged_volume_across_pages_and_no_other()
    {
        for (var i = 1; i <= 5; i++)
        {
            _ec2.AddVolume($"vol-tagged{i}", (TagKey, "true"));
        }

        _ec2.AddVolume("vol-untagged");
        _ec2.AddVolume("vol-other-value", (TagKey, "false"));
        _ec2.AddVolume("vol-other-key", ("Backup", "true"));

        var report = await Function().RunAsync(At(ThreeAm));

        Assert.True(report.Succeeded);
        Assert.Equal(5, report.VolumesSelected);
        Assert.Equal(["vol-tagged1", "vol-tagged2", "vol-tagged3", "vol-tagged4", "vol-tagged5"], report.Created.Select(c => c.VolumeId).Order());
        Assert.Equal(_ec2.CreateCalls.Order(), report.Created.Select(c => c.VolumeId).Order());
        Assert.True(_ec2.DescribeVolumesCalls >= 3, $"5 volumes at 2 per page take 3 pages; DescribeVolumes was called {_ec2.DescribeVolumesCalls} time(s).");
    }

    [Fact]
    public async Task Should_tag_each_snapshot_as_ours_with_its_volume_and_run()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"), ("Name", "db-data"));

        var report = await Function().RunAsync(At(ThreeAm));

        var snapshot = Assert.Single(_ec2.Snapshots);
        Assert.Equal(report.Created.Single().SnapshotId, snapshot.SnapshotId);
        var tags = snapshot.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(SnapshotTags.ManagedByValue, tags[SnapshotTags.ManagedBy]);
        Assert.Equal("vol-a", tags[SnapshotTags.SourceVolume]);
        Assert.Equal("2026-11-23T03:00Z", tags[SnapshotTags.RunId]);
        Assert.Equal("db-data 2026-11-23T03:00Z", tags["Name"]);
    }

    [Fact]
    public async Task Should_delete_our_snapshots_past_retention_but_always_keep_the_newest_n()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        _ec2.AddOurSnapshot("snap-a-1d", "vol-a", ThreeAm.AddDays(-1));
        for (var days = 20; days <= 24; days++)
        {
            _ec2.AddOurSnapshot($"snap-a-{days}d", "vol-a", ThreeAm.AddDays(-days));
        }

        // A volume no longer tagged (or deleted): its old snapshots age out too, but its newest 3 stay whatever their age.
        for (var days = 30; days <= 33; days++)
        {
            _ec2.AddOurSnapshot($"snap-gone-{days}d", "vol-gone", ThreeAm.AddDays(-days));
        }

        var report = await Function(o => { o.RetentionDays = 14; o.KeepNewest = 3; }).RunAsync(At(ThreeAm));

        Assert.True(report.Succeeded);
        // vol-a keeps: the new one, 1 day, 20 days (newest 3); 21-24 days are past 14 days retention.
        Assert.Equal(["snap-a-21d", "snap-a-22d", "snap-a-23d", "snap-a-24d", "snap-gone-33d"], report.Deleted.Select(d => d.SnapshotId).Order());
        Assert.True(_ec2.Exists("snap-a-1d"));
        Assert.True(_ec2.Exists("snap-a-20d"));
        Assert.True(_ec2.Exists("snap-gone-30d"));
        Assert.True(_ec2.Exists("snap-gone-32d"));
        Assert.False(_ec2.Exists("snap-a-24d"));
        Assert.Equal(2 + 1 + 3, _ec2.Snapshots.Count);
    }

    [Fact]
    public async Task Should_keep_young_snapshots_even_beyond_n()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        for (var days = 1; days <= 6; days++)
        {
            _ec2.AddOurSnapshot($"snap-a-{days}d", "vol-a", ThreeAm.AddDays(-days));
        }

        var report = await Function(o => { o.RetentionDays = 14; o.KeepNewest = 3; }).RunAsync(At(ThreeAm));

        Assert.Empty(report.Deleted);
        Assert.Equal(7, _ec2.Snapshots.Count);
    }

    [Fact]
    public async Task Should_never_touch_snapshots_that_are_not_ours()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        _ec2.AddSnapshot("snap-foreign-untagged", "vol-a", ThreeAm.AddDays(-400));
        _ec2.AddSnapshot("snap-foreign-other-tool", "vol-a", ThreeAm.AddDays(-400), (SnapshotTags.ManagedBy, "aws-backup"));
        _ec2.AddSnapshot("snap-foreign-copied-tags", "vol-a", ThreeAm.AddDays(-400), (SnapshotTags.SourceVolume, "vol-a"), (SnapshotTags.RunId, "2025-01-01T03:00Z"));

        var report = await Function(o => o.KeepNewest = 1).RunAsync(At(ThreeAm));

        Assert.True(report.Succeeded);
        Assert.Empty(report.Deleted);
        Assert.Empty(_ec2.DeleteCalls);
        Assert.True(_ec2.Exists("snap-foreign-untagged"));
        Assert.True(_ec2.Exists("snap-foreign-other-tool"));
        Assert.True(_ec2.Exists("snap-foreign-copied-tags"));
    }

    [Fact]
    public async Task Should_not_snapshot_twice_when_the_same_window_is_retried()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        _ec2.AddVolume("vol-b", (TagKey, "true"));
        var function = Function();
        var scheduledEvent = At(ThreeAm);

        var first = await function.RunAsync(scheduledEvent);
        _time.Advance(TimeSpan.FromMinutes(2));
        var retry = await function.RunAsync(scheduledEvent);

        Assert.Equal(2, first.Created.Count);
        Assert.Empty(retry.Created);
        Assert.Equal(["vol-a", "vol-b"], retry.Skipped.Select(s => s.VolumeId));
        Assert.All(retry.Skipped, s => Assert.Contains("already snapshotted in run 2026-11-23T03:00Z", s.Reason, StringComparison.Ordinal));
        Assert.Equal(2, _ec2.Snapshots.Count);
        Assert.True(retry.Succeeded);

        // The next night is a new window.
        _time.Advance(TimeSpan.FromDays(1));
        var nextNight = await function.RunAsync(At(ThreeAm.AddDays(1)));
        Assert.Equal(2, nextNight.Created.Count);
        Assert.Equal(4, _ec2.Snapshots.Count);
    }

    [Fact]
    public async Task Should_go_on_past_a_failing_volume_and_fail_the_invocation()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        _ec2.AddVolume("vol-busy", (TagKey, "true"));
        _ec2.AddVolume("vol-c", (TagKey, "true"));
        _ec2.AddOurSnapshot("snap-c-old", "vol-c", ThreeAm.AddDays(-60));
        _ec2.AddOurSnapshot("snap-c-ami", "vol-c", ThreeAm.AddDays(-61));
        _ec2.FailCreateFor.Add("vol-busy");
        _ec2.FailDeleteFor.Add("snap-c-ami");
        var function = Function(o => o.KeepNewest = 1);

        var report = await function.RunAsync(At(ThreeAm));

        Assert.False(report.Succeeded);
        Assert.Equal(["vol-a", "vol-c"], report.Created.Select(c => c.VolumeId).Order());
        Assert.Equal(["snap-c-old"], report.Deleted.Select(d => d.SnapshotId));
        Assert.Collection(
            report.Failed,
            f => { Assert.Equal("vol-busy", f.ResourceId); Assert.Equal(SnapshotAction.Create, f.Action); Assert.Contains("busy", f.Error, StringComparison.Ordinal); },
            f => { Assert.Equal("snap-c-ami", f.ResourceId); Assert.Equal(SnapshotAction.Delete, f.Action); });
    }

    [Fact]
    public async Task Should_throw_from_the_Lambda_handler_when_anything_failed_and_finish_on_retry()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        _ec2.AddVolume("vol-busy", (TagKey, "true"));
        _ec2.FailCreateFor.Add("vol-busy");
        var function = Function();
        var scheduledEvent = At(ThreeAm);

        var error = await Assert.ThrowsAsync<FunctionRunFailedException>(() => function.HandleAsync(scheduledEvent.ToStream()));
        Assert.Contains("created 1, deleted 0, skipped 0, failed 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("vol-busy (Create)", error.Message, StringComparison.Ordinal);

        // Lambda retries the same event: the done volume is skipped, the failed one is done now.
        _ec2.FailCreateFor.Clear();
        using var response = await function.HandleAsync(scheduledEvent.ToStream());
        using var json = await JsonDocument.ParseAsync(response);
        Assert.Equal("vol-busy", json.RootElement.GetProperty("created")[0].GetProperty("volumeId").GetString());
        Assert.Equal("vol-a", json.RootElement.GetProperty("skipped")[0].GetProperty("volumeId").GetString());
        Assert.Equal(2, _ec2.Snapshots.Count);
    }

    [Fact]
    public async Task Should_change_nothing_in_a_dry_run_but_say_what_it_would_do()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        _ec2.AddOurSnapshot("snap-a-old1", "vol-a", ThreeAm.AddDays(-40));
        _ec2.AddOurSnapshot("snap-a-old2", "vol-a", ThreeAm.AddDays(-41));

        var fromOptions = await Function(o => { o.DryRun = true; o.KeepNewest = 1; }).RunAsync(At(ThreeAm));
        var fromEvent = await Function(o => o.KeepNewest = 1).RunAsync(At(ThreeAm, dryRun: true));

        foreach (var report in new[] { fromOptions, fromEvent })
        {
            Assert.True(report.DryRun);
            Assert.Equal(["vol-a"], report.Created.Select(c => c.VolumeId));
            Assert.Null(report.Created.Single().SnapshotId);
            // The would-be new snapshot counts as the newest one kept, so both old ones would go.
            Assert.Equal(["snap-a-old1", "snap-a-old2"], report.Deleted.Select(d => d.SnapshotId));
        }

        Assert.Empty(_ec2.CreateCalls);
        Assert.Empty(_ec2.DeleteCalls);
        Assert.Equal(2, _ec2.Snapshots.Count);
    }

    [Fact]
    public async Task Should_fail_the_invocation_and_change_nothing_when_volumes_cannot_be_listed()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        _ec2.AddOurSnapshot("snap-a-old", "vol-a", ThreeAm.AddDays(-90));
        _ec2.DescribeVolumesFailure = new Amazon.EC2.AmazonEC2Exception("Request limit exceeded.") { ErrorCode = "RequestLimitExceeded" };

        var error = await Assert.ThrowsAsync<Amazon.EC2.AmazonEC2Exception>(() => Function(o => o.KeepNewest = 1).HandleAsync(At(ThreeAm).ToStream()));

        Assert.Equal("RequestLimitExceeded", error.ErrorCode);
        Assert.Empty(_ec2.CreateCalls);
        Assert.Empty(_ec2.DeleteCalls);
    }

    [Fact]
    public async Task Should_refuse_a_malformed_event_before_touching_EC2()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));

        var error = await Assert.ThrowsAsync<InvalidScheduledEventException>(
            () => Function().HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes("{\"detail-type\":\"Scheduled Event\""))));

        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _ec2.DescribeVolumesCalls);
        Assert.Empty(_ec2.CreateCalls);
    }

    [Fact]
    public async Task Should_write_the_run_report_to_S3_when_a_bucket_is_set()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        var s3 = Substitute.For<IAmazonS3>();
        string? body = null;
        PutObjectRequest? put = null;
        s3.PutObjectAsync(Arg.Do<PutObjectRequest>(r => { put = r; body = new StreamReader(r.InputStream).ReadToEnd(); }), Arg.Any<CancellationToken>())
            .Returns(new PutObjectResponse());
        var scheduledEvent = At(ThreeAm);

        var report = await Function(o => o.ReportBucket = "reports-bucket", s3).RunAsync(scheduledEvent);

        Assert.True(report.Succeeded);
        Assert.NotNull(put);
        Assert.Equal("reports-bucket", put.BucketName);
        Assert.Equal($"snapshot-reports/2026-11-23T03:00Z/{scheduledEvent.Id}.json", put.Key);
        using var json = JsonDocument.Parse(body!);
        Assert.Equal("2026-11-23T03:00Z", json.RootElement.GetProperty("runId").GetString());
        Assert.Equal("vol-a", json.RootElement.GetProperty("created")[0].GetProperty("volumeId").GetString());
    }

    [Fact]
    public async Task Should_count_a_failed_report_upload_as_a_failure()
    {
        _ec2.AddVolume("vol-a", (TagKey, "true"));
        var s3 = Substitute.For<IAmazonS3>();
        s3.PutObjectAsync(Arg.Any<PutObjectRequest>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new AmazonS3Exception("Access Denied"));

        var report = await Function(o => o.ReportBucket = "reports-bucket", s3).RunAsync(At(ThreeAm));

        var failure = Assert.Single(report.Failed);
        Assert.Equal(SnapshotAction.Report, failure.Action);
        Assert.StartsWith("s3://reports-bucket/snapshot-reports/", failure.ResourceId, StringComparison.Ordinal);
        Assert.Single(report.Created);
    }
}
