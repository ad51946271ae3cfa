using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Infrastructure.Tests.Templates;

/// <summary>
/// One CloudFormation template as YAML nodes. Short-form intrinsics (<c>!Ref</c>, <c>!Sub</c>, <c>!GetAtt</c>, ...)
/// stay on the nodes as tags; <see cref="TemplateEvaluator"/> gives them meaning. Keeps the raw lines for the rules
/// that look at comments (YAML comments are not part of the node tree).
/// </summary>
public sealed class CloudFormationTemplate
{
    private CloudFormationTemplate(string path, YamlMappingNode root, IReadOnlyList<string> lines)
    {
        Path = path;
        Root = root;
        Lines = lines;
    }

    public string Path { get; }

    /// <summary>File name without extension: <c>network</c>, <c>data</c>, ...; the stack is <c>eventdriven-&lt;env&gt;-&lt;Name&gt;</c>.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    public YamlMappingNode Root { get; }

    public IReadOnlyList<string> Lines { get; }

    public static CloudFormationTemplate Load(string path) => Parse(File.ReadAllText(path), path);

    public static CloudFormationTemplate Parse(string text, string path = "template.yaml")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path} is not valid YAML ({e.Start}): {e.Message}", e);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{path} is not a CloudFormation template (expected one document with a top-level mapping).");
        }

        return new CloudFormationTemplate(path, root, text.Split('\n'));
    }

    public YamlMappingNode Section(string name) => Child(Root, name) as YamlMappingNode ?? new YamlMappingNode();

    public IEnumerable<Resource> Resources =>
        Section("Resources").Children.Select(kv => new Resource(Key(kv.Key), (YamlMappingNode)kv.Value));

    public IEnumerable<Resource> ResourcesOfType(string type) => Resources.Where(r => r.Type == type);

    public Resource Resource(string logicalId) =>
        Resources.SingleOrDefault(r => r.LogicalId == logicalId)
        ?? throw new KeyNotFoundException($"{Name}.yaml has no resource {logicalId}.");

    public bool HasParameter(string name) => Child(Section("Parameters"), name) is not null;

    public string? ParameterDefault(string name) =>
        (Child(Child(Section("Parameters"), name) as YamlMappingNode, "Default") as YamlScalarNode)?.Value;

    public IEnumerable<string> ParameterAllowedValues(string name) =>
        (Child(Child(Section("Parameters"), name) as YamlMappingNode, "AllowedValues") as YamlSequenceNode)?.Children
            .Select(v => ((YamlScalarNode)v).Value!) ?? [];

    /// <summary>Every node in the template, depth first, with the path of mapping keys that leads to it.</summary>
    public IEnumerable<(YamlNode Node, string Path)> Walk() => Walk(Root, "");

    private static IEnumerable<(YamlNode, string)> Walk(YamlNode node, string path)
    {
        yield return (node, path);
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    yield return (key, path);
                    foreach (var inner in Walk(value, $"{path}/{Key(key)}"))
                    {
                        yield return inner;
                    }
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    foreach (var inner in Walk(sequence.Children[i], $"{path}/{i}"))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    public static YamlNode? Child(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string Key(YamlNode key) => ((YamlScalarNode)key).Value!;

    public override string ToString() => $"{Name}.yaml";
}

/// <summary>A resource: its logical id, type, properties.</summary>
public sealed record Resource(string LogicalId, YamlMappingNode Node)
{
    public string Type => (CloudFormationTemplate.Child(Node, "Type") as YamlScalarNode)?.Value ?? "";

    public YamlMappingNode Properties => CloudFormationTemplate.Child(Node, "Properties") as YamlMappingNode ?? new YamlMappingNode();

    public YamlNode? Property(string name) => CloudFormationTemplate.Child(Properties, name);

    public string? Condition => (CloudFormationTemplate.Child(Node, "Condition") as YamlScalarNode)?.Value;
}
