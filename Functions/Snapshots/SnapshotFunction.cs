using System.Collections.Concurrent;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using EventDriven.Functions.Events;
using EventDriven.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Functions.Snapshots;

/// <summary>
/// Scheduled (cron(0 3 * * ? *)): snapshots every EBS volume carrying the configured tag, then deletes our snapshots older
/// than the retention while always keeping the newest N per volume. Snapshots without our marker tag are never touched.
/// Idempotent within a schedule window (the run id tag); one volume failing does not stop the others; a run with any
/// failure fails the invocation so Lambda's retries apply (and the retry skips what is already done).
/// </summary>
public sealed class SnapshotFunction : IScheduledFunction
{
    private static readonly Lazy<IServiceProvider> LambdaProvider = new(() => LambdaServices.Build(
        (services, configuration) => services.AddSnapshotFunction(configuration)));

    private readonly IAmazonEC2 _ec2;
    private readonly IAmazonS3? _s3;
    private readonly TimeProvider _time;
    private readonly SnapshotOptions _options;
    private readonly ILogger<SnapshotFunction> _logger;

    /// <summary>For the Lambda managed runtime: options from <c>Snapshot__*</c> environment variables, AWS clients from the default chain.</summary>
    public SnapshotFunction()
        : this(LambdaProvider.Value.GetRequiredService<SnapshotFunction>())
    {
    }

    /// <param name="s3">Only needed when <see cref="SnapshotOptions.ReportBucket"/> is set.</param>
    public SnapshotFunction(IAmazonEC2 ec2, IAmazonS3? s3, TimeProvider time, IOptions<SnapshotOptions> options, ILogger<SnapshotFunction> logger)
    {
        _ec2 = ec2;
        _s3 = s3;
        _time = time;
        _options = options.Value;
        _logger = logger;
        if (!string.IsNullOrWhiteSpace(_options.ReportBucket) && _s3 is null)
        {
            throw new InvalidOperationException("Snapshot:ReportBucket is set but no S3 client was given.");
        }
    }

    private SnapshotFunction(SnapshotFunction configured)
        : this(configured._ec2, configured._s3, configured._time, Options.Create(configured._options), configured._logger)
    {
    }

    public string Handler => FunctionHandlers.Snapshot;

    public async Task<Stream> HandleAsync(Stream input)
    {
        var scheduledEvent = await ScheduledEvent.ReadAsync(input).ConfigureAwait(false);
        var report = await RunAsync(scheduledEvent).ConfigureAwait(false);
        return report.Succeeded ? FunctionJson.ToStream(report) : throw new FunctionRunFailedException(report.OneLine());
    }

    async Task<IFunctionRunSummary> IScheduledFunction.RunAsync(ScheduledEvent scheduledEvent, CancellationToken cancellationToken) =>
        await RunAsync(scheduledEvent, cancellationToken).ConfigureAwait(false);

    public async Task<SnapshotRunReport> RunAsync(ScheduledEvent scheduledEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduledEvent);
        var startedAt = _time.GetUtcNow();
        var runId = SnapshotTags.RunIdFor(scheduledEvent.Time);
        var dryRun = scheduledEvent.DetailFlag("dryRun") ?? _options.DryRun;

        // Listing failures end the run at once (nothing is known, nothing is changed); they surface as the invocation's error.
        var volumes = await ListSelectedVolumesAsync(cancellationToken).ConfigureAwait(false);
        var ours = await ListOurSnapshotsAsync(cancellationToken).ConfigureAwait(false);

        var created = new ConcurrentBag<(SnapshotCreated Created, int Order)>();
        var skipped = new ConcurrentBag<SnapshotSkipped>();
        var failed = new ConcurrentBag<SnapshotFailure>();

        var order = volumes.Select((v, i) => (Volume: v, Order: i)).ToList();
        await Parallel.ForEachAsync(
            order,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var volumeId = item.Volume.VolumeId;
                if (item.Volume.State is { } state && (state == VolumeState.Deleting || state == VolumeState.Deleted || state == VolumeState.Error))
                {
                    skipped.Add(new SnapshotSkipped(volumeId, $"volume is {state.Value}"));
                    return;
                }

                if (ours.FirstOrDefault(s => SnapshotTags.Get(s.Tags, SnapshotTags.SourceVolume) == volumeId &&
                                             SnapshotTags.Get(s.Tags, SnapshotTags.RunId) == runId) is { } existing)
                {
                    skipped.Add(new SnapshotSkipped(volumeId, $"already snapshotted in run {runId} ({existing.SnapshotId})"));
                    return;
                }

                if (dryRun)
                {
                    created.Add((new SnapshotCreated(volumeId, null), item.Order));
                    return;
                }

                try
                {
                    var response = await _ec2.CreateSnapshotAsync(CreateRequest(item.Volume, runId), ct).ConfigureAwait(false);
                    created.Add((new SnapshotCreated(volumeId, response.Snapshot?.SnapshotId), item.Order));
                }
                catch (Exception e) when (e is AmazonServiceException or AmazonClientException)
                {
                    _logger.LogError(e, "Snapshot of {VolumeId} failed.", volumeId);
                    failed.Add(new SnapshotFailure(volumeId, SnapshotAction.Create, e.Message));
                }
            }).ConfigureAwait(false);

        var createdInOrder = created.OrderBy(c => c.Order).Select(c => c.Created).ToList();
        var deleted = await ApplyRetentionAsync(ours, createdInOrder, startedAt, dryRun, failed, cancellationToken).ConfigureAwait(false);

        var report = new SnapshotRunReport(
            runId, scheduledEvent.Id, dryRun, startedAt, _time.GetUtcNow(), volumes.Count,
            createdInOrder, deleted, skipped.OrderBy(s => s.VolumeId, StringComparer.Ordinal).ToList(), Sorted(failed));

        if (!string.IsNullOrWhiteSpace(_options.ReportBucket))
        {
            report = await WriteReportAsync(report, cancellationToken).ConfigureAwait(false);
        }

        if (report.Succeeded)
        {
            _logger.LogInformation("{Summary}", report.OneLine());
        }
        else
        {
            _logger.LogError("{Summary}", report.OneLine());
        }

        return report;
    }

    private async Task<List<Volume>> ListSelectedVolumesAsync(CancellationToken cancellationToken)
    {
        var request = new DescribeVolumesRequest
        {
            Filters = [new Filter($"tag:{_options.VolumeTagKey}", [_options.VolumeTagValue])],
        };
        var volumes = new List<Volume>();
        await foreach (var volume in _ec2.Paginators.DescribeVolumes(request).Volumes.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            volumes.Add(volume);
        }

        return volumes;
    }

    private async Task<List<Snapshot>> ListOurSnapshotsAsync(CancellationToken cancellationToken)
    {
        var request = new DescribeSnapshotsRequest
        {
            OwnerIds = ["self"],
            Filters = [new Filter($"tag:{SnapshotTags.ManagedBy}", [SnapshotTags.ManagedByValue])],
        };
        var snapshots = new List<Snapshot>();
        await foreach (var snapshot in _ec2.Paginators.DescribeSnapshots(request).Snapshots.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            // Checked again here, not only by the filter: deleting someone else's snapshot is the one mistake this function must never make.
            if (SnapshotTags.IsOurs(snapshot))
            {
                snapshots.Add(snapshot);
            }
        }

        return snapshots;
    }

    private CreateSnapshotRequest CreateRequest(Volume volume, string runId)
    {
        var name = SnapshotTags.Get(volume.Tags, "Name") is { Length: > 0 } volumeName ? $"{volumeName} {runId}" : $"{volume.VolumeId} {runId}";
        return new CreateSnapshotRequest
        {
            VolumeId = volume.VolumeId,
            Description = $"EventDriven scheduled snapshot of {volume.VolumeId}, run {runId}",
            TagSpecifications =
            [
                new TagSpecification
                {
                    ResourceType = ResourceType.Snapshot,
                    Tags =
                    [
                        new Tag(SnapshotTags.ManagedBy, SnapshotTags.ManagedByValue),
                        new Tag(SnapshotTags.SourceVolume, volume.VolumeId),
                        new Tag(SnapshotTags.RunId, runId),
                        new Tag("Name", name.Length > 256 ? name[..256] : name),
                    ],
                },
            ],
        };
    }

    /// <summary>Per volume: newest first, keep the newest N (counting this run's snapshot), delete the rest that are past retention.</summary>
    private async Task<List<SnapshotDeleted>> ApplyRetentionAsync(
        List<Snapshot> ours, List<SnapshotCreated> createdNow, DateTimeOffset now, bool dryRun, ConcurrentBag<SnapshotFailure> failed, CancellationToken cancellationToken)
    {
        var cutoff = now.AddDays(-_options.RetentionDays);
        var candidates = new List<(Snapshot Snapshot, string VolumeId)>();
        var byVolume = ours
            .Select(s => (Snapshot: s, VolumeId: SnapshotTags.Get(s.Tags, SnapshotTags.SourceVolume) ?? s.VolumeId ?? string.Empty))
            .GroupBy(x => x.VolumeId, StringComparer.Ordinal);
        foreach (var group in byVolume)
        {
            var keptByNewRun = createdNow.Count(c => c.VolumeId == group.Key);
            var older = group
                .OrderByDescending(x => x.Snapshot.StartTime ?? DateTime.MaxValue)
                .ThenByDescending(x => x.Snapshot.SnapshotId, StringComparer.Ordinal)
                .Skip(Math.Max(0, _options.KeepNewest - keptByNewRun));
            candidates.AddRange(older.Where(x =>
                x.Snapshot.StartTime is { } started && new DateTimeOffset(DateTime.SpecifyKind(started.ToUniversalTime(), DateTimeKind.Utc)) < cutoff &&
                x.Snapshot.State != SnapshotState.Pending));
        }

        var deleted = new List<SnapshotDeleted>();
        foreach (var (snapshot, volumeId) in candidates.OrderBy(c => c.Snapshot.SnapshotId, StringComparer.Ordinal))
        {
            var record = new SnapshotDeleted(snapshot.SnapshotId, volumeId, snapshot.StartTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc)) : null);
            if (dryRun)
            {
                deleted.Add(record);
                continue;
            }

            try
            {
                await _ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshot.SnapshotId }, cancellationToken).ConfigureAwait(false);
                deleted.Add(record);
            }
            catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidSnapshot.NotFound")
            {
                // A concurrent or earlier run already deleted it: the goal is reached.
                deleted.Add(record);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException)
            {
                _logger.LogError(e, "Deleting snapshot {SnapshotId} of {VolumeId} failed.", snapshot.SnapshotId, volumeId);
                failed.Add(new SnapshotFailure(snapshot.SnapshotId, SnapshotAction.Delete, e.Message));
            }
        }

        return deleted;
    }

    private async Task<SnapshotRunReport> WriteReportAsync(SnapshotRunReport report, CancellationToken cancellationToken)
    {
        var key = $"{_options.ReportPrefix}{report.RunId}/{report.EventId}.json";
        try
        {
            using var body = FunctionJson.ToStream(report);
            await _s3!.PutObjectAsync(
                new Amazon.S3.Model.PutObjectRequest { BucketName = _options.ReportBucket, Key = key, InputStream = body, ContentType = "application/json" },
                cancellationToken).ConfigureAwait(false);
            return report;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException)
        {
            _logger.LogError(e, "Writing the run report to s3://{Bucket}/{Key} failed.", _options.ReportBucket, key);
            return report with { Failed = [.. report.Failed, new SnapshotFailure($"s3://{_options.ReportBucket}/{key}", SnapshotAction.Report, e.Message)] };
        }
    }

    private static List<SnapshotFailure> Sorted(IEnumerable<SnapshotFailure> failures) =>
        failures.OrderBy(f => f.Action).ThenBy(f => f.ResourceId, StringComparer.Ordinal).ToList();
}
