namespace EventDriven.Functions;

/// <summary>
/// Lambda handler strings (<c>Assembly::Type::Method</c>) as the CloudFormation template names them; defined once
/// here and checked against the template by a test.
/// </summary>
public static class FunctionHandlers
{
    public const string Assembly = "EventDriven.Functions";

    public const string Snapshot = Assembly + "::EventDriven.Functions.Snapshots.SnapshotFunction::HandleAsync";

    public const string ScottishPostcodes = Assembly + "::EventDriven.Functions.ScottishPostcodes.ScottishPostcodeFunction::HandleAsync";
}
