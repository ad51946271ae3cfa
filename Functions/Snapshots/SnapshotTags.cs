using Amazon.EC2.Model;

namespace EventDriven.Functions.Snapshots;

/// <summary>
/// The tags that mark a snapshot as ours. Only snapshots carrying <see cref="ManagedBy"/> = <see cref="ManagedByValue"/>
/// are ever deleted; the IAM policy in cloudformation/functions.yaml requires the same tag on DeleteSnapshot.
/// </summary>
public static class SnapshotTags
{
    public const string ManagedBy = "eventdriven:managed-by";
    public const string ManagedByValue = "eventdriven-snapshot-function";
    public const string SourceVolume = "eventdriven:source-volume";

    /// <summary>The schedule window the snapshot was taken in; a retried invocation finds it and does not snapshot again.</summary>
    public const string RunId = "eventdriven:run-id";

    public static string? Get(IEnumerable<Tag>? tags, string key) => tags?.FirstOrDefault(t => t.Key == key)?.Value;

    public static bool IsOurs(Snapshot snapshot) => Get(snapshot.Tags, ManagedBy) == ManagedByValue;

    /// <summary>The run id of a schedule window: the scheduled time to the minute, UTC (EventBridge schedules are minute-grained).</summary>
    public static string RunIdFor(DateTimeOffset scheduledTime) =>
        scheduledTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
