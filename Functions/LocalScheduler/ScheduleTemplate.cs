using EventDriven.Functions.Schedules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Functions.LocalScheduler;

/// <summary>One <c>AWS::Events::Rule</c> target that invokes a Lambda function, resolved to the function's handler string.</summary>
public sealed record ScheduledRule(string RuleLogicalId, ScheduleExpression Schedule, bool Enabled, string FunctionLogicalId, string Handler);

/// <summary>
/// Reads the schedule rules of a CloudFormation template (cloudformation/functions.yaml), so the local scheduler fires
/// exactly what EventBridge fires on AWS. Understands the short tags (<c>!GetAtt</c>, <c>!Ref</c>, <c>!Sub</c>, ...) and their
/// long forms (<c>Fn::GetAtt</c>, <c>Ref</c>); anything it cannot resolve is an error naming the resource.
/// </summary>
public static class ScheduleTemplate
{
    public const string RuleType = "AWS::Events::Rule";
    public const string FunctionType = "AWS::Lambda::Function";

    public static IReadOnlyList<ScheduledRule> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ScheduleTemplateException($"The template '{path}' does not exist (set Functions:TemplatePath).");
        }

        using var reader = File.OpenText(path);
        return Read(reader, path);
    }

    public static IReadOnlyList<ScheduledRule> Read(TextReader text, string source = "template")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(text);
        }
        catch (YamlException e)
        {
            throw new ScheduleTemplateException($"{source} is not valid YAML ({e.Start}): {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ScheduleTemplateException($"{source} is not a CloudFormation template (no top-level mapping).");
        }

        if (Child(root, "Resources") is not YamlMappingNode resources)
        {
            throw new ScheduleTemplateException($"{source} has no Resources section.");
        }

        var parameters = Child(root, "Parameters") as YamlMappingNode;
        var rules = new List<ScheduledRule>();
        foreach (var (key, value) in resources.Children)
        {
            var logicalId = ((YamlScalarNode)key).Value!;
            if (value is not YamlMappingNode resource || Scalar(Child(resource, "Type")) != RuleType)
            {
                continue;
            }

            var properties = Child(resource, "Properties") as YamlMappingNode
                ?? throw new ScheduleTemplateException($"Rule {logicalId} has no Properties.");
            var expressionText = Resolve(Child(properties, "ScheduleExpression"), parameters, $"{logicalId}.ScheduleExpression");
            if (expressionText is null)
            {
                continue; // an event-pattern rule, not a schedule
            }

            ScheduleExpression schedule;
            try
            {
                schedule = ScheduleExpression.Parse(expressionText);
            }
            catch (InvalidScheduleExpressionException e)
            {
                throw new ScheduleTemplateException($"Rule {logicalId}: {e.Message}", e);
            }

            var state = Resolve(Child(properties, "State"), parameters, $"{logicalId}.State") ?? "ENABLED";
            var targets = Child(properties, "Targets") as YamlSequenceNode
                ?? throw new ScheduleTemplateException($"Rule {logicalId} has no Targets.");
            foreach (var target in targets.Children.OfType<YamlMappingNode>())
            {
                foreach (var unsupported in new[] { "Input", "InputPath", "InputTransformer" })
                {
                    if (Child(target, unsupported) is not null)
                    {
                        throw new ScheduleTemplateException(
                            $"Rule {logicalId}: target uses {unsupported}; the functions expect the scheduled event itself, so the local scheduler does not support it.");
                    }
                }

                var functionId = FunctionReference(Child(target, "Arn"), logicalId);
                if (Child(resources, functionId) is not YamlMappingNode function || Scalar(Child(function, "Type")) != FunctionType)
                {
                    throw new ScheduleTemplateException($"Rule {logicalId}: target {functionId} is not an {FunctionType} in the template.");
                }

                var handler = Resolve(Child(Child(function, "Properties") as YamlMappingNode, "Handler"), parameters, $"{functionId}.Handler")
                    ?? throw new ScheduleTemplateException($"Function {functionId} has no Handler.");
                rules.Add(new ScheduledRule(logicalId, schedule, string.Equals(state, "ENABLED", StringComparison.Ordinal), functionId, handler));
            }
        }

        return rules;
    }

    /// <summary>The logical id of the function a target's Arn points at: <c>!GetAtt Fn.Arn</c>, <c>!GetAtt [Fn, Arn]</c>, <c>Fn::GetAtt</c>.</summary>
    private static string FunctionReference(YamlNode? arn, string ruleId)
    {
        switch (arn)
        {
            case YamlScalarNode scalar when TagOf(scalar) == "!GetAtt" && scalar.Value!.EndsWith(".Arn", StringComparison.Ordinal):
                return scalar.Value[..^".Arn".Length];
            case YamlSequenceNode { Children.Count: 2 } seq when TagOf(seq) == "!GetAtt" && Scalar(seq.Children[1]) == "Arn":
                return Scalar(seq.Children[0])!;
            case YamlMappingNode map when Child(map, "Fn::GetAtt") is { } getAtt:
                return getAtt switch
                {
                    YamlSequenceNode { Children.Count: 2 } s when Scalar(s.Children[1]) == "Arn" => Scalar(s.Children[0])!,
                    YamlScalarNode s when s.Value!.EndsWith(".Arn", StringComparison.Ordinal) => s.Value[..^".Arn".Length],
                    _ => throw new ScheduleTemplateException($"Rule {ruleId}: target Arn must be the Arn attribute of a function."),
                };
            default:
                throw new ScheduleTemplateException($"Rule {ruleId}: target Arn must be !GetAtt <Function>.Arn of a function in this template.");
        }
    }

    /// <summary>A literal string, or <c>!Ref</c> to a parameter (its Default); other intrinsics cannot be evaluated locally.</summary>
    private static string? Resolve(YamlNode? node, YamlMappingNode? parameters, string where)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode scalar when TagOf(scalar) is "" or "tag:yaml.org,2002:str" or "!":
                return scalar.Value;
            case YamlScalarNode scalar when TagOf(scalar) == "!Ref":
                return ParameterDefault(scalar.Value!, parameters, where);
            case YamlMappingNode map when Child(map, "Ref") is YamlScalarNode reference:
                return ParameterDefault(reference.Value!, parameters, where);
            default:
                throw new ScheduleTemplateException($"{where}: only a literal or !Ref to a parameter with a Default can be read locally (found {(TagOf(node) is { Length: > 0 } tag ? tag : node.NodeType.ToString())}).");
        }
    }

    private static string ParameterDefault(string name, YamlMappingNode? parameters, string where) =>
        Child(Child(parameters, name) as YamlMappingNode, "Default") is YamlScalarNode { Value: { } value }
            ? value
            : throw new ScheduleTemplateException($"{where}: !Ref {name} is not a template parameter with a Default.");

    private static YamlNode? Child(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    /// <summary>The node's tag (<c>!GetAtt</c>, <c>!Ref</c>, ...) or empty; YamlDotNet throws when asked for an absent tag's value.</summary>
    private static string TagOf(YamlNode node) => node.Tag.IsEmpty ? string.Empty : node.Tag.Value;
}

/// <summary>The template cannot drive the local scheduler; the message names the resource and the problem.</summary>
public sealed class ScheduleTemplateException(string message, Exception? innerException = null) : Exception(message, innerException);
