namespace EventDriven.Functions;

/// <summary>
/// The functions' configuration keys in environment-variable form (the rest of the contract is
/// <see cref="Contracts.ConfigurationKeys"/>). A test checks each binds to an options property, and that the
/// <c>Snapshot__*</c> / <c>ScottishPostcodes__*</c> variables in cloudformation/functions.yaml are among them.
/// </summary>
public static class FunctionConfigurationKeys
{
    public const string SnapshotVolumeTagKey = "Snapshot__VolumeTagKey";
    public const string SnapshotVolumeTagValue = "Snapshot__VolumeTagValue";
    public const string SnapshotRetentionDays = "Snapshot__RetentionDays";
    public const string SnapshotKeepNewest = "Snapshot__KeepNewest";
    public const string SnapshotDryRun = "Snapshot__DryRun";
    public const string SnapshotReportBucket = "Snapshot__ReportBucket";
    public const string SnapshotReportPrefix = "Snapshot__ReportPrefix";
    public const string SnapshotMaxParallelism = "Snapshot__MaxParallelism";

    public const string ScottishPostcodesPageSize = "ScottishPostcodes__PageSize";
    public const string ScottishPostcodesOverlap = "ScottishPostcodes__Overlap";

    public const string FunctionsEnabled = "Functions__Enabled";
    public const string FunctionsTemplatePath = "Functions__TemplatePath";
    public const string FunctionsSnapshotEnableLocally = "Functions__Snapshot__EnableLocally";

    public static readonly IReadOnlyList<string> All =
    [
        SnapshotVolumeTagKey, SnapshotVolumeTagValue, SnapshotRetentionDays, SnapshotKeepNewest, SnapshotDryRun,
        SnapshotReportBucket, SnapshotReportPrefix, SnapshotMaxParallelism,
        ScottishPostcodesPageSize, ScottishPostcodesOverlap,
        FunctionsEnabled, FunctionsTemplatePath, FunctionsSnapshotEnableLocally,
    ];
}
