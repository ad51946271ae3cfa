using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EventDriven.Functions.Snapshots;

/// <summary>Configuration section <c>Snapshot</c> (environment: <c>Snapshot__VolumeTagKey</c>, ...; see docs/functions.md).</summary>
public sealed class SnapshotOptions : IValidatableObject
{
    public const string SectionName = "Snapshot";

    /// <summary>Volumes carrying this tag (with <see cref="VolumeTagValue"/>) are snapshotted.</summary>
    [Required(AllowEmptyStrings = false)]
    public string VolumeTagKey { get; set; } = "eventdriven:snapshot";

    [Required(AllowEmptyStrings = false)]
    public string VolumeTagValue { get; set; } = "true";

    /// <summary>Our snapshots older than this are deleted, except the newest <see cref="KeepNewest"/> of each volume.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 14;

    /// <summary>Snapshots per volume that are always kept, however old.</summary>
    [Range(1, 1000)]
    public int KeepNewest { get; set; } = 3;

    /// <summary>Report what would be created and deleted, change nothing. A scheduled event's <c>detail.dryRun</c> overrides it.</summary>
    public bool DryRun { get; set; }

    /// <summary>S3 bucket for the JSON run report; unset = no report. A lifecycle rule on the bucket expires old reports.</summary>
    public string? ReportBucket { get; set; }

    public string ReportPrefix { get; set; } = "snapshot-reports/";

    /// <summary>Volumes snapshotted at once; EC2 throttles bursts of CreateSnapshot calls.</summary>
    [Range(1, 32)]
    public int MaxParallelism { get; set; } = 4;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (VolumeTagKey.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult("Snapshot:VolumeTagKey cannot start with 'aws:' (reserved by AWS).", [nameof(VolumeTagKey)]);
        }

        if (VolumeTagKey.Length > 128 || VolumeTagValue.Length > 256)
        {
            yield return new ValidationResult("Snapshot:VolumeTagKey is at most 128 characters and Snapshot:VolumeTagValue at most 256.", [nameof(VolumeTagKey)]);
        }
    }
}

/// <summary>Checks <see cref="SnapshotOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class SnapshotOptionsValidator : IValidateOptions<SnapshotOptions>;
