using EventDriven.Infrastructure.Tests.Templates;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Infrastructure.Tests;

/// <summary>The documented stack order works: every import is exported by a stack deployed before it.</summary>
public class When_deploying_the_stacks_in_order_Specs
{
    private static readonly Topology Topology = Topology.Repository;

    public static TheoryData<string> Environments() => new(Topology.Environments);

    [Theory]
    [MemberData(nameof(Environments))]
    public void Should_import_only_what_an_earlier_stack_exports(string environment)
    {
        var exported = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var template in Topology.StackOrder.Select(Topology.Template))
        {
            var evaluator = Topology.Evaluator(template, environment);
            foreach (var import in Imports(template))
            {
                var name = evaluator.EvaluateString(import.Argument, "ImportValue");
                if (!exported.ContainsKey(name))
                {
                    problems.Add($"{template}:{import.Line} imports {name}, which no earlier stack exports");
                }
            }

            foreach (var export in Topology.ExportsOf(template, environment))
            {
                if (!exported.TryAdd(export, template.Name))
                {
                    problems.Add($"{template} exports {export}, which {exported[export]}.yaml already exports");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.NotEmpty(exported);
    }

    [Fact]
    public void Should_list_every_template_that_imports_or_exports_in_the_stack_order()
    {
        var outsideTheOrder = Topology.Templates.Where(t => !Topology.StackOrder.Contains(t.Name)).ToList();

        Assert.All(Topology.StackOrder, name => Assert.NotNull(Topology.Template(name)));
        Assert.All(outsideTheOrder, template =>
        {
            Assert.Empty(Imports(template));
            Assert.Empty(Topology.ExportsOf(template, Topology.EnvironmentsOf(template)[0]));
        });
    }

    [Fact]
    public void Should_deploy_every_ordered_stack_to_every_environment()
    {
        Assert.All(Topology.StackOrder.Select(Topology.Template), template =>
            Assert.Equal(Topology.Environments, Topology.EnvironmentsOf(template)));
    }

    private static IEnumerable<(YamlNode Argument, long Line)> Imports(CloudFormationTemplate template) =>
        template.Walk().Select(n => n.Node).SelectMany<YamlNode, (YamlNode, long)>(node => node switch
        {
            { Tag.IsEmpty: false } when node.Tag.Value == "!ImportValue" => [(StripTag(node), node.Start.Line)],
            YamlMappingNode map when map.Children.Count == 1 && CloudFormationTemplate.Child(map, "Fn::ImportValue") is { } argument => [(argument, node.Start.Line)],
            _ => [],
        });

    /// <summary>The argument of a short-form <c>!ImportValue</c> is the node itself without the tag.</summary>
    private static YamlNode StripTag(YamlNode node) =>
        node switch
        {
            YamlMappingNode map => new YamlMappingNode(map.Children),
            YamlScalarNode scalar => new YamlScalarNode(scalar.Value),
            YamlSequenceNode sequence => new YamlSequenceNode(sequence.Children),
            _ => node,
        };
}
