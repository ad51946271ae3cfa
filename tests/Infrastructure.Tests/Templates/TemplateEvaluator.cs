using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Infrastructure.Tests.Templates;

/// <summary>
/// Evaluates CloudFormation intrinsic functions the way the service would for one environment, as far as that is
/// possible without an account: parameters take the environment or their defaults, mappings and conditions are
/// looked up, <c>Fn::ImportValue</c> follows the export into the stack that declares it. What only exists once
/// deployed stays a readable placeholder: <c>&lt;LogicalId&gt;</c> for a resource, <c>&lt;LogicalId.Attribute&gt;</c>
/// for an attribute. Both the short tags (<c>!Sub</c>) and the long forms (<c>Fn::Sub</c>) are understood.
/// Values are strings, lists (<see cref="IReadOnlyList{T}"/> of values), booleans (conditions) or, for plain
/// mappings, the <see cref="YamlMappingNode"/> itself.
/// </summary>
public sealed partial class TemplateEvaluator(Topology topology, CloudFormationTemplate template, string environment)
{
    public const string Region = "eu-west-2";
    public const string AccountId = "123456789012";

    public CloudFormationTemplate Template => template;

    public string Environment => environment;

    public object? Evaluate(YamlNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case { Tag.IsEmpty: false } when node.Tag.Value.StartsWith('!') && node.Tag.Value.Length > 1:
                return Intrinsic(node.Tag.Value[1..], node, node);
            case YamlScalarNode scalar:
                return scalar.Value;
            case YamlSequenceNode sequence:
                return sequence.Children.Select(Evaluate).ToList();
            case YamlMappingNode map when map.Children.Count == 1 && CloudFormationTemplate.Key(map.Children.Keys.Single()) is var key
                                           && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal) || key == "Condition"):
                var argument = map.Children.Values.Single();
                return Intrinsic(key.StartsWith("Fn::", StringComparison.Ordinal) ? key[4..] : key, argument, map);
            default:
                return node;
        }
    }

    public string EvaluateString(YamlNode? node, string where = "value") =>
        Evaluate(node) switch
        {
            string s => s,
            var other => throw new InvalidDataException($"{template}: {where} evaluates to {Describe(other)}, not a string."),
        };

    public IReadOnlyList<string> EvaluateStrings(YamlNode? node) =>
        Evaluate(node) switch
        {
            string s => [s],
            IEnumerable<object?> list => list.Select(v => v as string ?? throw new InvalidDataException($"{template}: a list item evaluates to {Describe(v)}.")).ToList(),
            null => [],
            var other => throw new InvalidDataException($"{template}: expected a string or a list, found {Describe(other)}."),
        };

    public bool Condition(string name)
    {
        var conditions = template.Section("Conditions");
        var definition = CloudFormationTemplate.Child(conditions, name)
            ?? throw new InvalidDataException($"{template}: condition {name} is not defined.");
        return Evaluate(definition) is true;
    }

    /// <summary>True when the resource exists in this environment (no condition, or its condition holds).</summary>
    public bool Exists(Resource resource) => resource.Condition is null || Condition(resource.Condition);

    /// <summary>The argument of a short-form intrinsic is the tagged node itself, read without its tag.</summary>
    private object? Argument(YamlNode argument, YamlNode intrinsicNode) =>
        ReferenceEquals(argument, intrinsicNode) ? EvaluateUntagged(argument) : Evaluate(argument);

    private object? EvaluateUntagged(YamlNode node) =>
        node switch
        {
            YamlScalarNode scalar => scalar.Value,
            YamlSequenceNode sequence => sequence.Children.Select(Evaluate).ToList(),
            YamlMappingNode map => Evaluate(new YamlMappingNode(map.Children)),
            _ => null,
        };

    private object? Intrinsic(string function, YamlNode argument, YamlNode intrinsicNode)
    {
        switch (function)
        {
            case "Ref":
                return Reference(AsString(Argument(argument, intrinsicNode), "Ref"));
            case "GetAtt":
                var getAtt = Argument(argument, intrinsicNode);
                return getAtt switch
                {
                    string dotted => $"<{dotted}>",
                    IReadOnlyList<object?> parts => $"<{parts[0]}.{parts[1]}>",
                    _ => throw new InvalidDataException($"{template}: malformed GetAtt."),
                };
            case "Sub":
                return Substitute(argument, intrinsicNode);
            case "Join":
                var join = AsList(Argument(argument, intrinsicNode), "Join");
                var items = join[1] is IReadOnlyList<object?> list ? list : [join[1]];
                return string.Join(AsString(join[0], "Join delimiter"), items.Select(i => AsString(i, "Join item")));
            case "Split":
                var split = AsList(Argument(argument, intrinsicNode), "Split");
                return AsString(split[1], "Split source").Split(AsString(split[0], "Split delimiter")).Cast<object?>().ToList();
            case "Select":
                var select = AsList(Argument(argument, intrinsicNode), "Select");
                return AsList(select[1], "Select list")[int.Parse(AsString(select[0], "Select index"), CultureInfo.InvariantCulture)];
            case "FindInMap":
                var path = AsList(Argument(argument, intrinsicNode), "FindInMap").Select(p => AsString(p, "FindInMap key")).ToList();
                return MapValue(path[0], path[1], path[2]);
            case "If":
                var branches = ((YamlSequenceNode)argument).Children;
                return Condition(((YamlScalarNode)branches[0]).Value!) ? Evaluate(branches[1]) : Evaluate(branches[2]);
            case "Equals":
                var equals = AsList(Argument(argument, intrinsicNode), "Equals");
                return Equals(equals[0], equals[1]);
            case "Not":
                return AsList(Argument(argument, intrinsicNode), "Not")[0] is not true;
            case "And":
                return AsList(Argument(argument, intrinsicNode), "And").All(c => c is true);
            case "Or":
                return AsList(Argument(argument, intrinsicNode), "Or").Any(c => c is true);
            case "Condition":
                return Condition(AsString(Argument(argument, intrinsicNode), "Condition"));
            case "ImportValue":
                return topology.Import(environment, AsString(Argument(argument, intrinsicNode), "ImportValue"), template);
            case "Base64":
                return Argument(argument, intrinsicNode);
            case "GetAZs":
                return new List<object?> { $"{Region}a", $"{Region}b", $"{Region}c" };
            default:
                throw new InvalidDataException($"{template}: the test's evaluator does not know Fn::{function}.");
        }
    }

    private string Reference(string name) =>
        name switch
        {
            "AWS::Region" => Region,
            "AWS::AccountId" => AccountId,
            "AWS::Partition" => "aws",
            "AWS::URLSuffix" => "amazonaws.com",
            "AWS::StackName" => $"eventdriven-{environment}-{template.Name}",
            "AWS::NoValue" => "",
            "EnvironmentName" when template.HasParameter("EnvironmentName") => environment,
            _ when template.HasParameter(name) => template.ParameterDefault(name) ?? $"<parameter {name}>",
            _ when CloudFormationTemplate.Child(template.Section("Resources"), name) is not null => $"<{name}>",
            _ => throw new InvalidDataException($"{template}: Ref {name} names no parameter, pseudo parameter or resource."),
        };

    private string Substitute(YamlNode argument, YamlNode intrinsicNode)
    {
        string text;
        YamlMappingNode? variables = null;
        if (argument is YamlSequenceNode { Children.Count: 2 } sequence)
        {
            text = ((YamlScalarNode)sequence.Children[0]).Value!;
            variables = (YamlMappingNode)sequence.Children[1];
        }
        else if (argument is YamlScalarNode scalar)
        {
            text = scalar.Value!;
        }
        else
        {
            throw new InvalidDataException($"{template}: malformed Sub at line {intrinsicNode.Start.Line}.");
        }

        return SubstitutionVariable().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            if (name.StartsWith('!'))
            {
                return "${" + name[1..] + "}"; // ${!Literal} is written out as ${Literal}
            }

            if (CloudFormationTemplate.Child(variables, name) is { } variable)
            {
                return AsString(Evaluate(variable), $"Sub variable {name}");
            }

            return name.Contains('.', StringComparison.Ordinal) && !name.StartsWith("AWS::", StringComparison.Ordinal)
                ? $"<{name}>"
                : Reference(name);
        });
    }

    private object? MapValue(string map, string topKey, string secondKey)
    {
        var mapping = CloudFormationTemplate.Child(template.Section("Mappings"), map) as YamlMappingNode
            ?? throw new InvalidDataException($"{template}: no mapping {map}.");
        var top = CloudFormationTemplate.Child(mapping, topKey) as YamlMappingNode
            ?? throw new InvalidDataException($"{template}: mapping {map} has no key {topKey}.");
        return Evaluate(CloudFormationTemplate.Child(top, secondKey)
            ?? throw new InvalidDataException($"{template}: mapping {map}.{topKey} has no key {secondKey}."));
    }

    private string AsString(object? value, string what) =>
        value as string ?? throw new InvalidDataException($"{template}: {what} evaluates to {Describe(value)}, not a string.");

    private IReadOnlyList<object?> AsList(object? value, string what) =>
        value as IReadOnlyList<object?> ?? throw new InvalidDataException($"{template}: {what} expects a list, found {Describe(value)}.");

    private static string Describe(object? value) =>
        value switch
        {
            null => "nothing",
            YamlNode node => $"a YAML {node.NodeType} (line {node.Start.Line})",
            _ => value.GetType().Name,
        };

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex SubstitutionVariable();
}
