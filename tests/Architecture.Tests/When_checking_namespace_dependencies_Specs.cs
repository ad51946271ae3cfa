using System.Reflection;

namespace EventDriven.Architecture.Tests;

public sealed class When_checking_namespace_dependencies_Specs
{
    private static readonly string[] OurAssemblies =
    [
        "EventDriven.Contracts", "EventDriven.Sagas", "EventDriven.Persistence", "EventDriven.Hosting", "EventDriven.Workers",
        "EventDriven.Functions", "EventDriven.Simulator", "EventDriven.Producers", "EventDriven.Consumers", "EventDriven.Cli",
    ];

    private static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Graph =
        NamespaceGraph.Build(OurAssemblies.Select(Assembly.Load).ToList());

    [Fact]
    public void Should_have_no_import_loop_between_namespaces()
    {
        var cycles = NamespaceGraph.Cycles(Graph);

        Assert.True(cycles.Count == 0, "Namespaces that depend on each other: " +
            string.Join("; ", cycles.Select(c => string.Join(" <-> ", c))));
    }

    [Fact]
    public void Should_see_the_dependencies_it_is_meant_to_judge()
    {
        // The analysis reads method bodies, not only signatures: without that it would miss most dependencies and
        // pass for the wrong reason.
        Assert.Contains("EventDriven.Hosting.Bus", Graph["EventDriven.Hosting.DeadLetters"]);
        Assert.Contains("EventDriven.Workers.Upstreams", Graph["EventDriven.Workers.Lookups"]);
        Assert.Contains("EventDriven.Producers.Lookups", Graph["EventDriven.Producers.Apis"]);
        Assert.Contains("EventDriven.Sagas", Graph["EventDriven.Persistence.DynamoDb"]);
    }

    [Fact]
    public void Should_find_a_loop_when_there_is_one()
    {
        var graph = new Dictionary<string, IReadOnlySet<string>>
        {
            ["A"] = new HashSet<string> { "B" },
            ["B"] = new HashSet<string> { "C" },
            ["C"] = new HashSet<string> { "A", "D" },
            ["D"] = new HashSet<string>(),
        };

        var cycle = Assert.Single(NamespaceGraph.Cycles(graph));
        Assert.Equal(["A", "B", "C"], cycle);
    }
}
