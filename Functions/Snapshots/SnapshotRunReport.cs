using System.Globalization;
using EventDriven.Functions.Hosting;

namespace EventDriven.Functions.Snapshots;

/// <summary>What one snapshot run did (or, in a dry run, would do). Written to S3 when a report bucket is configured.</summary>
public sealed record SnapshotRunReport(
    string RunId,
    string EventId,
    bool DryRun,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int VolumesSelected,
    IReadOnlyList<SnapshotCreated> Created,
    IReadOnlyList<SnapshotDeleted> Deleted,
    IReadOnlyList<SnapshotSkipped> Skipped,
    IReadOnlyList<SnapshotFailure> Failed) : IFunctionRunSummary
{
    public bool Succeeded => Failed.Count == 0;

    public string OneLine() =>
        $"Snapshot run {RunId}{(DryRun ? " (dry run)" : string.Empty)}: {VolumesSelected} volume(s) selected, " +
        $"created {Created.Count}, deleted {Deleted.Count}, skipped {Skipped.Count}, failed {Failed.Count}" +
        (Failed.Count == 0 ? "." : ": " + string.Join("; ", Failed.Select(f => $"{f.ResourceId} ({f.Action}): {f.Error}")));

    public IReadOnlyList<KeyValuePair<string, string>> Describe() =>
    [
        new("run", RunId),
        new("mode", DryRun ? "dry run (nothing changed)" : "live"),
        new("volumes selected", Count(VolumesSelected)),
        new(DryRun ? "would create" : "created", Count(Created.Count) + List(Created.Select(c => $"{c.VolumeId} -> {c.SnapshotId ?? "(new)"}"))),
        new(DryRun ? "would delete" : "deleted", Count(Deleted.Count) + List(Deleted.Select(d => $"{d.SnapshotId} ({d.VolumeId}, {d.StartTime:yyyy-MM-dd})"))),
        new("skipped", Count(Skipped.Count) + List(Skipped.Select(s => $"{s.VolumeId}: {s.Reason}"))),
        new("failed", Count(Failed.Count) + List(Failed.Select(f => $"{f.ResourceId} ({f.Action}): {f.Error}"))),
    ];

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string List(IEnumerable<string> items)
    {
        var all = items.ToList();
        return all.Count == 0 ? string.Empty : "\n" + string.Join("\n", all);
    }
}

public sealed record SnapshotCreated(string VolumeId, string? SnapshotId);

public sealed record SnapshotDeleted(string SnapshotId, string VolumeId, DateTimeOffset? StartTime);

public sealed record SnapshotSkipped(string VolumeId, string Reason);

public enum SnapshotAction
{
    Create,
    Delete,
    Report,
}

public sealed record SnapshotFailure(string ResourceId, SnapshotAction Action, string Error);
