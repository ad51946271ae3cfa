using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Infrastructure.Tests.Templates;

/// <summary>
/// The team's IAM rules, applied to every policy statement in a template (role policies, bucket and key policies):
/// <list type="bullet">
/// <item>an Allow statement never grants <c>"*"</c> or <c>"service:*"</c> (a Deny may: it widens a refusal; so may a
/// permissions boundary, a managed policy whose logical id ends in <c>Boundary</c>: it grants nothing, it caps);</item>
/// <item>a <c>Resource: "*"</c> carries a YAML comment saying why - on its line, or on a line of its statement above it.</item>
/// </list>
/// </summary>
public static partial class IamPolicyRules
{
    public sealed record Violation(string Template, long Line, string Rule)
    {
        public override string ToString() => $"{Template}:{Line}: {Rule}";
    }

    public static IReadOnlyList<Violation> Check(CloudFormationTemplate template)
    {
        var violations = new List<Violation>();
        var boundaries = template.ResourcesOfType("AWS::IAM::ManagedPolicy")
            .Where(policy => policy.LogicalId.EndsWith("Boundary", StringComparison.Ordinal))
            .SelectMany(policy => Statements(policy.Node))
            .ToHashSet();
        foreach (var statement in Statements(template))
        {
            var effect = (CloudFormationTemplate.Child(statement, "Effect") as YamlScalarNode)?.Value;
            // A permissions boundary grants nothing: it caps what a role's own policies can grant, so it may name whole services.
            if (effect == "Allow" && !boundaries.Contains(statement))
            {
                foreach (var action in Scalars(CloudFormationTemplate.Child(statement, "Action")))
                {
                    if (action.Value == "*" || ServiceWildcard().IsMatch(action.Value ?? ""))
                    {
                        violations.Add(new(template.ToString(), action.Start.Line, $"Allow statement grants the wildcard action \"{action.Value}\""));
                    }
                }
            }

            foreach (var resource in Scalars(CloudFormationTemplate.Child(statement, "Resource")))
            {
                if (resource.Value == "*" && resource.Tag.IsEmpty && !IsJustified(template, statement, resource))
                {
                    violations.Add(new(template.ToString(), resource.Start.Line, "Resource \"*\" without a comment saying why AWS requires it"));
                }
            }
        }

        return violations;
    }

    /// <summary>A statement is any mapping with an <c>Effect</c> key inside a policy document.</summary>
    public static IEnumerable<YamlMappingNode> Statements(CloudFormationTemplate template) => Statements(template.Root);

    private static IEnumerable<YamlMappingNode> Statements(YamlNode node) => node switch
    {
        YamlMappingNode map when CloudFormationTemplate.Child(map, "Effect") is not null => [map],
        YamlMappingNode map => map.Children.Values.SelectMany(Statements),
        YamlSequenceNode sequence => sequence.Children.SelectMany(Statements),
        _ => [],
    };

    private static IEnumerable<YamlScalarNode> Scalars(YamlNode? node) =>
        node switch
        {
            YamlScalarNode scalar => [scalar],
            YamlSequenceNode sequence => sequence.Children.OfType<YamlScalarNode>(),
            _ => [],
        };

    /// <summary>
    /// A comment on the Resource line, or a full-line comment anywhere in the statement above it (or in the comment
    /// block directly above the statement): the reason belongs to this statement and no other.
    /// </summary>
    private static bool IsJustified(CloudFormationTemplate template, YamlMappingNode statement, YamlScalarNode resource)
    {
        var line = (int)resource.Start.Line - 1; // zero-based index into the lines
        var text = template.Lines[line];
        if (text.IndexOf('#', Math.Max(0, text.IndexOf('*', StringComparison.Ordinal))) >= 0)
        {
            return true;
        }

        var first = (int)statement.Start.Line - 1;
        while (first > 0 && IsComment(template.Lines[first - 1]))
        {
            first--;
        }

        return Enumerable.Range(first, line - first).Any(i => IsComment(template.Lines[i]));
    }

    private static bool IsComment(string line) => line.TrimStart().StartsWith('#') && line.TrimStart().TrimStart('#').Trim().Length > 0;

    [GeneratedRegex(@"^[a-z0-9-]+:\*$")]
    private static partial Regex ServiceWildcard();

    [GeneratedRegex(@"^\s*(-\s+)?Resource:\s*$")]
    private static partial Regex ResourceKeyOnly();
}
