using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EventDriven.Functions.LocalScheduler;

/// <summary>Configuration section <c>Functions</c>: the embedded-mode scheduler.</summary>
public sealed class LocalSchedulerOptions : IValidatableObject
{
    public const string SectionName = "Functions";

    /// <summary>The default template: the copy of cloudformation/functions.yaml shipped in the build output.</summary>
    public static string DefaultTemplatePath => Path.Combine(AppContext.BaseDirectory, "cloudformation", "functions.yaml");

    /// <summary>Set false to run no scheduled functions in this process.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The CloudFormation template whose <c>AWS::Events::Rule</c> resources drive the scheduler.</summary>
    public string? TemplatePath { get; set; }

    public SnapshotSchedulingOptions Snapshot { get; set; } = new();

    public string ResolvedTemplatePath => string.IsNullOrWhiteSpace(TemplatePath) ? DefaultTemplatePath : TemplatePath;

    /// <summary>A scheduler that is on needs its template: a wrong path stops start-up rather than leaving schedules unrun.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && !File.Exists(ResolvedTemplatePath))
        {
            yield return new ValidationResult(
                $"{FunctionConfigurationKeys.FunctionsTemplatePath}: the template '{ResolvedTemplatePath}' does not exist.", [nameof(TemplatePath)]);
        }
    }
}

public sealed class SnapshotSchedulingOptions
{
    /// <summary>The snapshot function talks to real EC2 with the process's AWS credentials: off unless asked for.</summary>
    public bool EnableLocally { get; set; }
}

/// <summary>Checks <see cref="LocalSchedulerOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class LocalSchedulerOptionsValidator : IValidateOptions<LocalSchedulerOptions>;
