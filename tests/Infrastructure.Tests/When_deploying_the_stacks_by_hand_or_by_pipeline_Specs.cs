using System.Diagnostics;
using System.Text.Json;
using EventDriven.Infrastructure.Tests.Templates;
using EventDriven.TestSupport;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Infrastructure.Tests;

/// <summary>
/// cloudformation/deploy.sh (run with --dry-run) and the pipeline's deploy actions hand each template exactly the
/// parameters it declares, every required one included, in the documented stack order.
/// </summary>
public class When_deploying_the_stacks_by_hand_or_by_pipeline_Specs
{
    private static readonly Topology Topology = Topology.Repository;

    public static TheoryData<string> Environments() => new(Topology.Environments);

    [Theory]
    [MemberData(nameof(Environments))]
    public void Should_deploy_every_stack_in_the_documented_order_with_its_parameters(string environment)
    {
        var (exitCode, output) = DeployScript("--dry-run", environment, "2026-11-23.1");
        Assert.True(exitCode == 0, output);

        var deploys = output.Split('\n').Where(line => line.StartsWith("+ aws cloudformation deploy", StringComparison.Ordinal)).ToList();
        var stackNames = deploys.Select(line => Argument(line, "--stack-name")).ToList();
        Assert.Equal(Topology.StackOrder.Select(stack => $"eventdriven-{environment}-{stack}"), stackNames);

        foreach (var line in deploys)
        {
            var template = Topology.Template(Path.GetFileNameWithoutExtension(Argument(line, "--template-file")));
            var parameters = ParameterOverrides(line);
            AssertParametersFit(template, parameters.Keys, $"deploy.sh {environment}");
            Assert.Equal(environment, parameters["EnvironmentName"]);
        }
    }

    [Fact]
    public void Should_deploy_only_the_named_stacks_and_still_in_order()
    {
        var (exitCode, output) = DeployScript("--dry-run", "prod", "r1", "consumers", "producers");

        Assert.Equal(0, exitCode);
        var stackNames = output.Split('\n').Where(l => l.StartsWith("+ aws cloudformation deploy", StringComparison.Ordinal)).Select(l => Argument(l, "--stack-name"));
        Assert.Equal(["eventdriven-prod-producers", "eventdriven-prod-consumers"], stackNames);
    }

    [Theory]
    [InlineData("qa", "r1", "environment must be dev, staging or prod")]
    [InlineData("dev", "r 1", "release version may hold only")]
    [InlineData("dev", "r1", "unknown stack 'queues'", "queues")]
    public void Should_refuse_bad_arguments_with_a_message_naming_the_problem(string environment, string release, string message, string? stack = null)
    {
        var (exitCode, output) = stack is null ? DeployScript("--dry-run", environment, release) : DeployScript("--dry-run", environment, release, stack);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_give_each_pipeline_deploy_action_the_parameters_its_template_declares()
    {
        var pipeline = Topology.Template("pipeline");
        var evaluator = Topology.Evaluator(pipeline, "prod");
        var actions = pipeline.Resource("Pipeline").Property("Stages") is YamlSequenceNode stages
            ? stages.Children.OfType<YamlMappingNode>()
                .SelectMany(stage => ((YamlSequenceNode)CloudFormationTemplate.Child(stage, "Actions")!).Children.OfType<YamlMappingNode>())
                .Where(action => ((YamlScalarNode)CloudFormationTemplate.Child((YamlMappingNode)CloudFormationTemplate.Child(action, "ActionTypeId")!, "Provider")!).Value == "CloudFormation")
                .ToList()
            : [];

        // Each target environment gets every release stack the pipeline owns.
        var deployedStacks = actions.Select(a => evaluator.EvaluateString(CloudFormationTemplate.Child(Configuration(a), "StackName"))).ToList();
        var pipelineStacks = new[] { "functions", "producers", "consumers", "monitoring" };
        foreach (var environment in new[] { "staging", "prod" })
        {
            Assert.Equal(pipelineStacks.Select(s => $"eventdriven-{environment}-{s}"), deployedStacks.Where(s => s.StartsWith($"eventdriven-{environment}-", StringComparison.Ordinal)));
        }

        foreach (var action in actions)
        {
            var configuration = Configuration(action);
            var templatePath = evaluator.EvaluateString(CloudFormationTemplate.Child(configuration, "TemplatePath"));
            var template = Topology.Template(Path.GetFileNameWithoutExtension(templatePath.Split("::")[1]));
            using var overrides = JsonDocument.Parse(evaluator.EvaluateString(CloudFormationTemplate.Child(configuration, "ParameterOverrides")));
            var names = overrides.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            AssertParametersFit(template, names, $"pipeline action {evaluator.EvaluateString(CloudFormationTemplate.Child(configuration, "StackName"))}");

            var stackEnvironment = overrides.RootElement.GetProperty("EnvironmentName").GetString();
            Assert.Equal($"eventdriven-{stackEnvironment}-{template.Name}", evaluator.EvaluateString(CloudFormationTemplate.Child(configuration, "StackName")));
        }
    }

    private static YamlMappingNode Configuration(YamlMappingNode action) => (YamlMappingNode)CloudFormationTemplate.Child(action, "Configuration")!;

    /// <summary>Only declared parameters, and every parameter without a default.</summary>
    private static void AssertParametersFit(CloudFormationTemplate template, IEnumerable<string> passed, string who)
    {
        var declared = template.Section("Parameters").Children.Keys.Select(CloudFormationTemplate.Key).ToList();
        var required = declared.Where(name => template.ParameterDefault(name) is null).ToList();
        var passedSet = passed.ToHashSet(StringComparer.Ordinal);

        Assert.All(passedSet, name => Assert.True(declared.Contains(name), $"{who} passes {name}, which {template} does not declare"));
        Assert.All(required, name => Assert.True(passedSet.Contains(name), $"{who} does not pass {name}, which {template} requires (no default)"));
    }

    private static string Argument(string line, string option)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words[Array.IndexOf(words, option) + 1];
    }

    private static Dictionary<string, string> ParameterOverrides(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Skip(Array.IndexOf(words, "--parameter-overrides") + 1)
            .TakeWhile(word => !word.StartsWith("--", StringComparison.Ordinal))
            .Select(word => word.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    private static (int ExitCode, string Output) DeployScript(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Find(), "cloudformation", "deploy.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_REGION"] = TemplateEvaluator.Region;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "deploy.sh --dry-run did not finish in 30 s");
        return (process.ExitCode, stdout + stderr.Result);
    }
}
