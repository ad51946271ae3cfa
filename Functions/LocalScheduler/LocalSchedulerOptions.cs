namespace EventDriven.Functions.LocalScheduler;

/// <summary>Configuration section <c>Functions</c>: the embedded-mode scheduler.</summary>
public sealed class LocalSchedulerOptions
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
}

public sealed class SnapshotSchedulingOptions
{
    /// <summary>The snapshot function talks to real EC2 with the process's AWS credentials: off unless asked for.</summary>
    public bool EnableLocally { get; set; }
}
