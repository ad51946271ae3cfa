using EventDriven.TestSupport;

namespace EventDriven.Infrastructure.Tests.Templates;

/// <summary>
/// Every template in cloudformation/ and the order an environment's stacks deploy in (cloudformation/stack-order.txt,
/// which deploy.sh reads too). Resolves <c>Fn::ImportValue</c> across stacks per environment.
/// </summary>
public sealed class Topology
{
    public const string StackOrderFile = "stack-order.txt";

    private readonly Dictionary<(string Environment, string Export), (CloudFormationTemplate Template, YamlDotNet.RepresentationModel.YamlNode Value)> _exports = [];
    private readonly HashSet<string> _exportsBuilt = [];

    private Topology(string directory, IReadOnlyList<CloudFormationTemplate> templates, IReadOnlyList<string> stackOrder)
    {
        Directory = directory;
        Templates = templates;
        StackOrder = stackOrder;
    }

    /// <summary>The templates of the checkout, loaded once for all tests.</summary>
    public static Topology Repository { get; } = Load(Path.Combine(RepositoryRoot.Find(), "cloudformation"));

    public static IReadOnlyList<string> Environments { get; } = ["dev", "staging", "prod"];

    public string Directory { get; }

    public IReadOnlyList<CloudFormationTemplate> Templates { get; }

    /// <summary>The per-environment stacks in deploy order (template names without extension).</summary>
    public IReadOnlyList<string> StackOrder { get; }

    public static Topology Load(string directory)
    {
        var templates = System.IO.Directory.GetFiles(directory, "*.yaml")
            .Order(StringComparer.Ordinal)
            .Select(CloudFormationTemplate.Load)
            .ToList();
        var order = File.ReadAllLines(Path.Combine(directory, StackOrderFile))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        return new Topology(directory, templates, order);
    }

    public CloudFormationTemplate Template(string name) =>
        Templates.SingleOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"cloudformation/{name}.yaml does not exist.");

    /// <summary>The environments a template can be deployed to (its EnvironmentName's allowed values; all when it has none).</summary>
    public static IReadOnlyList<string> EnvironmentsOf(CloudFormationTemplate template) =>
        template.HasParameter("EnvironmentName") ? template.ParameterAllowedValues("EnvironmentName").ToList() : Environments;

    public TemplateEvaluator Evaluator(CloudFormationTemplate template, string environment) => new(this, template, environment);

    /// <summary>Export names a stack declares in an environment.</summary>
    public IReadOnlyList<string> ExportsOf(CloudFormationTemplate template, string environment)
    {
        var evaluator = Evaluator(template, environment);
        return template.Section("Outputs").Children.Values
            .OfType<YamlDotNet.RepresentationModel.YamlMappingNode>()
            .Select(output => CloudFormationTemplate.Child(output, "Export") as YamlDotNet.RepresentationModel.YamlMappingNode)
            .Where(export => export is not null)
            .Select(export => evaluator.EvaluateString(CloudFormationTemplate.Child(export, "Name"), "Export.Name"))
            .ToList();
    }

    /// <summary>The value of an export, evaluated in the stack that declares it.</summary>
    public object? Import(string environment, string exportName, CloudFormationTemplate importer)
    {
        BuildExports(environment);
        if (!_exports.TryGetValue((environment, exportName), out var export))
        {
            throw new InvalidDataException($"{importer} imports {exportName}, which no stack in {StackOrderFile} exports in {environment}.");
        }

        return Evaluator(export.Template, environment).Evaluate(export.Value);
    }

    private void BuildExports(string environment)
    {
        if (!_exportsBuilt.Add(environment))
        {
            return;
        }

        foreach (var template in StackOrder.Select(Template))
        {
            var evaluator = Evaluator(template, environment);
            foreach (var output in template.Section("Outputs").Children.Values.OfType<YamlDotNet.RepresentationModel.YamlMappingNode>())
            {
                if (CloudFormationTemplate.Child(output, "Export") is YamlDotNet.RepresentationModel.YamlMappingNode export)
                {
                    var name = evaluator.EvaluateString(CloudFormationTemplate.Child(export, "Name"), "Export.Name");
                    _exports[(environment, name)] = (template, CloudFormationTemplate.Child(output, "Value")!);
                }
            }
        }
    }
}
