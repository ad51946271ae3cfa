using System.Text.RegularExpressions;
using EventDriven.Sagas;
using EventDriven.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Architecture.Tests;

public sealed partial class When_reading_the_architecture_document_Specs
{
    private static readonly string Root = RepositoryRoot.Find();
    private static readonly string Architecture = File.ReadAllText(Path.Combine(Root, "docs", "architecture.md"));

    [Fact]
    public void Should_draw_the_state_diagram_the_state_machine_runs()
    {
        var machine = new CrimeLookupStateMachine(new FakeTimeProvider(), Options.Create(new LookupOptions()));
        var running = LookupStateDiagram.TransitionsOf(machine).ToHashSet();

        var drawn = TransitionsIn(MermaidStateDiagram(Architecture));

        Assert.True(running.Count > 10, $"the machine yielded only {running.Count} transitions: the visitor is not seeing them");
        var missing = running.Except(drawn).Select(Describe).ToList();
        var extra = drawn.Except(running).Select(Describe).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"docs/architecture.md's state diagram differs from the machine. Missing: {string.Join("; ", missing)}. Not in the machine: {string.Join("; ", extra)}. " +
            "The machine's diagram is:\n" + LookupStateDiagram.ToMermaid(LookupStateDiagram.TransitionsOf(machine)));
    }

    [Fact]
    public void Should_notice_a_diagram_that_differs()
    {
        var machine = new CrimeLookupStateMachine(new FakeTimeProvider(), Options.Create(new LookupOptions()));
        var text = LookupStateDiagram.ToMermaid(LookupStateDiagram.TransitionsOf(machine));
        var drawn = TransitionsIn(text);

        Assert.Equal(LookupStateDiagram.TransitionsOf(machine).ToHashSet(), drawn);
        Assert.NotEqual(drawn, TransitionsIn(text.Replace("--> Completed", "--> Failed", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/architecture.md")]
    public void Should_link_only_to_files_a_clone_has(string document)
    {
        var text = File.ReadAllText(Path.Combine(Root, document));
        var folder = Path.GetDirectoryName(Path.Combine(Root, document))!;

        var broken = MarkdownLink().Matches(text)
            .Select(m => m.Groups["target"].Value)
            .Where(target => !target.StartsWith("http", StringComparison.Ordinal) && !target.StartsWith('#') && !target.StartsWith("mailto:", StringComparison.Ordinal))
            .Select(target => target.Split('#')[0])
            .Where(target => !File.Exists(Path.Combine(folder, target)) && !Directory.Exists(Path.Combine(folder, target)))
            .ToList();

        Assert.True(broken.Count == 0, $"{document} links to what a fresh clone does not have: {string.Join(", ", broken)}");
        Assert.DoesNotContain("../shared", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_point_code_comments_into_the_repository_only()
    {
        var citing = Directory.GetFiles(Root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(path => File.ReadAllText(path).Contains("DESIGN " + "§", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(Root, path))
            .ToList();

        Assert.True(citing.Count == 0, "Comments cite a design document outside the repository: " + string.Join(", ", citing));
    }

    private static string MermaidStateDiagram(string markdown)
    {
        var match = MermaidBlock().Match(markdown);
        Assert.True(match.Success, "docs/architecture.md has no ```mermaid stateDiagram-v2 block");
        return match.Groups["body"].Value;
    }

    private static HashSet<StateTransition> TransitionsIn(string mermaid) =>
        Arrow().Matches(mermaid)
            .Select(m => new StateTransition(Node(m.Groups["from"].Value), m.Groups["event"].Value.Trim(), Node(m.Groups["to"].Value)))
            .ToHashSet();

    private static string Node(string node) => node == "[*]" ? LookupStateDiagram.InitialState : node;

    private static string Describe(StateTransition t) => $"{t.From} --{t.Event}--> {t.To}";

    [GeneratedRegex(@"```mermaid\s*\n(?<body>stateDiagram-v2\n.*?)```", RegexOptions.Singleline)]
    private static partial Regex MermaidBlock();

    [GeneratedRegex(@"^\s*(?<from>\[\*\]|\w+)\s*-->\s*(?<to>\[\*\]|\w+)\s*:\s*(?<event>[^\n]+)$", RegexOptions.Multiline)]
    private static partial Regex Arrow();

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
