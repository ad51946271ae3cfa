using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Infrastructure.Tests.Templates;

/// <summary>One IAM request: the action, the resource's ARN, the condition keys the request carries.</summary>
public sealed record IamRequest(string Action, string Resource, IReadOnlyDictionary<string, string>? Context = null)
{
    public override string ToString() =>
        $"{Action} on {Resource}" + (Context is { Count: > 0 } ? " with " + string.Join(", ", Context.Select(c => $"{c.Key}={c.Value}")) : string.Empty);
}

/// <summary>
/// IAM's decision for the policy statements of a template (evaluated in one environment), as far as these templates
/// need it: an explicit Deny wins; otherwise an Allow grants. Policies this repository cannot read (AWS-managed ones
/// attached by ARN) are taken at their worst: <paramref name="unreadablePoliciesAllowEverything"/> means only this
/// template's Deny statements stand between a request and its grant. Actions and resources match with IAM's
/// <c>*</c>/<c>?</c> wildcards; conditions support the string and ARN operators, their negations, and lists.
/// </summary>
public sealed class IamDecisions(TemplateEvaluator evaluator, IReadOnlyList<YamlMappingNode> statements, bool unreadablePoliciesAllowEverything)
{
    /// <summary>The statements of a role's inline policies; <c>ManagedPolicyArns</c> on it make <see cref="IamDecisions"/> assume the worst.</summary>
    public static IamDecisions ForRole(TemplateEvaluator evaluator, Resource role) => new(
        evaluator,
        Statements(role.Property("Policies")).ToList(),
        unreadablePoliciesAllowEverything: role.Property("ManagedPolicyArns") is YamlSequenceNode { Children.Count: > 0 });

    /// <summary>The statements of a managed policy (e.g. a permissions boundary), which is all it grants.</summary>
    public static IamDecisions ForPolicy(TemplateEvaluator evaluator, Resource policy) => new(
        evaluator, Statements(policy.Property("PolicyDocument")).ToList(), unreadablePoliciesAllowEverything: false);

    public bool IsAllowed(IamRequest request)
    {
        if (statements.Any(s => Effect(s) == "Deny" && Matches(s, request)))
        {
            return false;
        }

        return unreadablePoliciesAllowEverything || statements.Any(s => Effect(s) == "Allow" && Matches(s, request));
    }

    private static IEnumerable<YamlMappingNode> Statements(YamlNode? node) => node switch
    {
        YamlMappingNode map when CloudFormationTemplate.Child(map, "Effect") is not null => [map],
        YamlMappingNode map => map.Children.Values.SelectMany(Statements),
        YamlSequenceNode sequence => sequence.Children.SelectMany(Statements),
        _ => [],
    };

    private static string? Effect(YamlMappingNode statement) => (CloudFormationTemplate.Child(statement, "Effect") as YamlScalarNode)?.Value;

    private bool Matches(YamlMappingNode statement, IamRequest request)
    {
        var actions = CloudFormationTemplate.Child(statement, "Action");
        var notActions = CloudFormationTemplate.Child(statement, "NotAction");
        var actionMatches = actions is not null
            ? Values(actions).Any(a => Glob(a, request.Action, ignoreCase: true))
            : notActions is not null && !Values(notActions).Any(a => Glob(a, request.Action, ignoreCase: true));

        var resources = CloudFormationTemplate.Child(statement, "Resource");
        var notResources = CloudFormationTemplate.Child(statement, "NotResource");
        var resourceMatches = resources is not null
            ? Values(resources).Any(r => Glob(r, request.Resource, ignoreCase: false))
            : notResources is not null && !Values(notResources).Any(r => Glob(r, request.Resource, ignoreCase: false));

        return actionMatches && resourceMatches && ConditionHolds(CloudFormationTemplate.Child(statement, "Condition") as YamlMappingNode, request);
    }

    private bool ConditionHolds(YamlMappingNode? condition, IamRequest request)
    {
        if (condition is null)
        {
            return true;
        }

        foreach (var (operatorNode, keys) in condition.Children)
        {
            var op = CloudFormationTemplate.Key(operatorNode);
            foreach (var (keyNode, valueNode) in ((YamlMappingNode)keys).Children)
            {
                var key = CloudFormationTemplate.Key(keyNode);
                var expected = Values(valueNode).ToList();
                string? actual = null;
                var present = request.Context?.TryGetValue(key, out actual) == true;
                var holds = op switch
                {
                    "StringEquals" or "ArnEquals" => present && expected.Contains(actual!, StringComparer.Ordinal),
                    "StringNotEquals" or "ArnNotEquals" => !present || !expected.Contains(actual!, StringComparer.Ordinal),
                    "StringLike" or "ArnLike" => present && expected.Any(e => Glob(e, actual!, ignoreCase: false)),
                    "StringNotLike" or "ArnNotLike" => !present || !expected.Any(e => Glob(e, actual!, ignoreCase: false)),
                    _ => throw new NotSupportedException($"condition operator {op} is not modelled by the test"),
                };
                if (!holds)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private IEnumerable<string> Values(YamlNode node) => evaluator.EvaluateStrings(node);

    private static bool Glob(string pattern, string value, bool ignoreCase) =>
        Regex.IsMatch(
            value,
            "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant);
}
