using System.Reflection;
using Amazon.EC2;
using Amazon.EC2.Model;
using NSubstitute;

namespace EventDriven.Functions.Tests;

/// <summary>
/// An in-memory EC2 with the behaviour the snapshot function relies on: tag filters, owner filter, NextToken paging with a
/// small page size, snapshot creation with tags, deletion, and injectable failures. The SDK's own paginators run on top of it.
/// </summary>
public sealed class FakeEc2
{
    private readonly Lock _lock = new();
    private readonly List<Volume> _volumes = [];
    private readonly List<Snapshot> _snapshots = [];
    private int _nextSnapshot = 1;

    public FakeEc2(TimeProvider time, int pageSize = 2)
    {
        Time = time;
        PageSize = pageSize;
        Client = Substitute.For<IAmazonEC2>();
        Client.DescribeVolumesAsync(Arg.Any<DescribeVolumesRequest>(), Arg.Any<CancellationToken>())
            .Returns(ci => Run(() => DescribeVolumes(ci.Arg<DescribeVolumesRequest>())));
        Client.DescribeSnapshotsAsync(Arg.Any<DescribeSnapshotsRequest>(), Arg.Any<CancellationToken>())
            .Returns(ci => Run(() => DescribeSnapshots(ci.Arg<DescribeSnapshotsRequest>())));
        Client.CreateSnapshotAsync(Arg.Any<CreateSnapshotRequest>(), Arg.Any<CancellationToken>())
            .Returns(ci => Run(() => CreateSnapshot(ci.Arg<CreateSnapshotRequest>())));
        Client.DeleteSnapshotAsync(Arg.Any<DeleteSnapshotRequest>(), Arg.Any<CancellationToken>())
            .Returns(ci => Run(() => DeleteSnapshot(ci.Arg<DeleteSnapshotRequest>())));
        // The SDK's paginator factory has an internal constructor; build the real one so paging is the SDK's, not ours.
        var factory = (IEC2PaginatorFactory)Activator.CreateInstance(
            typeof(EC2PaginatorFactory), BindingFlags.Instance | BindingFlags.NonPublic, null, [Client], null)!;
        Client.Paginators.Returns(factory);
    }

    public IAmazonEC2 Client { get; }

    public TimeProvider Time { get; }

    public int PageSize { get; }

    public int DescribeVolumesCalls { get; private set; }

    public int DescribeSnapshotsCalls { get; private set; }

    public List<string> CreateCalls { get; } = [];

    public List<string> DeleteCalls { get; } = [];

    public HashSet<string> FailCreateFor { get; } = [];

    /// <summary>Thrown by every DescribeVolumes call while set (network down, throttled, no permission).</summary>
    public Exception? DescribeVolumesFailure { get; set; }

    public HashSet<string> FailDeleteFor { get; } = [];

    public IReadOnlyList<Snapshot> Snapshots
    {
        get
        {
            lock (_lock)
            {
                return _snapshots.ToList();
            }
        }
    }

    public Volume AddVolume(string volumeId, params (string Key, string Value)[] tags)
    {
        var volume = new Volume
        {
            VolumeId = volumeId,
            State = VolumeState.InUse,
            Size = 8,
            Tags = tags.Select(t => new Tag(t.Key, t.Value)).ToList(),
        };
        lock (_lock)
        {
            _volumes.Add(volume);
        }

        return volume;
    }

    public Snapshot AddSnapshot(string snapshotId, string volumeId, DateTimeOffset startTime, params (string Key, string Value)[] tags)
    {
        var snapshot = new Snapshot
        {
            SnapshotId = snapshotId,
            VolumeId = volumeId,
            StartTime = startTime.UtcDateTime,
            State = SnapshotState.Completed,
            OwnerId = "111122223333",
            Tags = tags.Select(t => new Tag(t.Key, t.Value)).ToList(),
        };
        lock (_lock)
        {
            _snapshots.Add(snapshot);
        }

        return snapshot;
    }

    /// <summary>A snapshot as the function itself would have created it in an earlier run.</summary>
    public Snapshot AddOurSnapshot(string snapshotId, string volumeId, DateTimeOffset startTime) =>
        AddSnapshot(snapshotId, volumeId, startTime,
            (EventDriven.Functions.Snapshots.SnapshotTags.ManagedBy, EventDriven.Functions.Snapshots.SnapshotTags.ManagedByValue),
            (EventDriven.Functions.Snapshots.SnapshotTags.SourceVolume, volumeId),
            (EventDriven.Functions.Snapshots.SnapshotTags.RunId, EventDriven.Functions.Snapshots.SnapshotTags.RunIdFor(startTime)));

    public bool Exists(string snapshotId) => Snapshots.Any(s => s.SnapshotId == snapshotId);

    private static Task<T> Run<T>(Func<T> call)
    {
        try
        {
            return Task.FromResult(call());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private DescribeVolumesResponse DescribeVolumes(DescribeVolumesRequest request)
    {
        lock (_lock)
        {
            DescribeVolumesCalls++;
            if (DescribeVolumesFailure is { } failure)
            {
                throw failure;
            }

            var matching = _volumes.Where(v => Matches(v.Tags, request.Filters)).ToList();
            var (page, next) = Page(matching, request.NextToken, request.MaxResults);
            return new DescribeVolumesResponse { Volumes = page, NextToken = next };
        }
    }

    private DescribeSnapshotsResponse DescribeSnapshots(DescribeSnapshotsRequest request)
    {
        lock (_lock)
        {
            DescribeSnapshotsCalls++;
            if (request.OwnerIds is not ["self"])
            {
                throw new InvalidOperationException("The function must ask for its own account's snapshots only (OwnerIds = self).");
            }

            var matching = _snapshots.Where(s => Matches(s.Tags, request.Filters)).Select(Copy).ToList();
            var (page, next) = Page(matching, request.NextToken, request.MaxResults);
            return new DescribeSnapshotsResponse { Snapshots = page, NextToken = next };
        }
    }

    private CreateSnapshotResponse CreateSnapshot(CreateSnapshotRequest request)
    {
        lock (_lock)
        {
            CreateCalls.Add(request.VolumeId);
            if (FailCreateFor.Contains(request.VolumeId))
            {
                throw new AmazonEC2Exception($"The volume '{request.VolumeId}' is busy (injected failure).") { ErrorCode = "IncorrectState" };
            }

            if (_volumes.All(v => v.VolumeId != request.VolumeId))
            {
                throw new AmazonEC2Exception($"The volume '{request.VolumeId}' does not exist.") { ErrorCode = "InvalidVolume.NotFound" };
            }

            var snapshot = new Snapshot
            {
                SnapshotId = $"snap-new{_nextSnapshot++:D4}",
                VolumeId = request.VolumeId,
                StartTime = Time.GetUtcNow().UtcDateTime,
                State = SnapshotState.Pending,
                Description = request.Description,
                Tags = request.TagSpecifications?.Where(t => t.ResourceType == ResourceType.Snapshot).SelectMany(t => t.Tags).ToList() ?? [],
            };
            _snapshots.Add(snapshot);
            return new CreateSnapshotResponse { Snapshot = Copy(snapshot) };
        }
    }

    private DeleteSnapshotResponse DeleteSnapshot(DeleteSnapshotRequest request)
    {
        lock (_lock)
        {
            DeleteCalls.Add(request.SnapshotId);
            if (FailDeleteFor.Contains(request.SnapshotId))
            {
                throw new AmazonEC2Exception($"The snapshot {request.SnapshotId} is in use by an AMI (injected failure).") { ErrorCode = "InvalidSnapshot.InUse" };
            }

            if (_snapshots.RemoveAll(s => s.SnapshotId == request.SnapshotId) == 0)
            {
                throw new AmazonEC2Exception($"The snapshot '{request.SnapshotId}' does not exist.") { ErrorCode = "InvalidSnapshot.NotFound" };
            }

            return new DeleteSnapshotResponse();
        }
    }

    private (List<T> Page, string? Next) Page<T>(List<T> items, string? token, int? maxResults)
    {
        var start = string.IsNullOrEmpty(token) ? 0 : int.Parse(token, System.Globalization.CultureInfo.InvariantCulture);
        var size = maxResults is > 0 ? Math.Min(maxResults.Value, PageSize) : PageSize;
        var page = items.Skip(start).Take(size).ToList();
        var next = start + page.Count < items.Count ? (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return (page, next);
    }

    private static bool Matches(List<Tag>? tags, List<Filter>? filters) =>
        filters is null || filters.All(f =>
            f.Name.StartsWith("tag:", StringComparison.Ordinal)
                ? tags?.Any(t => t.Key == f.Name["tag:".Length..] && f.Values.Contains(t.Value)) == true
                : throw new NotSupportedException($"Filter {f.Name} is not modelled by the fake."));

    private static Snapshot Copy(Snapshot s) => new()
    {
        SnapshotId = s.SnapshotId,
        VolumeId = s.VolumeId,
        StartTime = s.StartTime,
        State = s.State,
        OwnerId = s.OwnerId,
        Description = s.Description,
        Tags = s.Tags?.Select(t => new Tag(t.Key, t.Value)).ToList(),
    };
}
