using System.Reflection;
using EventDriven.Contracts;
using EventDriven.Functions.Hosting;
using EventDriven.Functions.LocalScheduler;
using EventDriven.Functions.ScottishPostcodes;
using EventDriven.Functions.Snapshots;
using EventDriven.Persistence.DynamoDb;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Functions.Tests;

/// <summary>cloudformation/functions.yaml against the code: handler strings, schedules, permissions, configuration keys, tags, tables.</summary>
public class When_checking_the_template_Specs
{
    private static readonly string TemplatePath = LocalSchedulerOptions.DefaultTemplatePath;
    private static readonly YamlMappingNode Resources = LoadResources();

    private static YamlMappingNode LoadResources()
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(TemplatePath))
        {
            stream.Load(reader);
        }

        return (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["Resources"];
    }

    private static IEnumerable<(string Id, YamlMappingNode Properties)> OfType(string type) =>
        Resources.Children
            .Where(kv => ((YamlMappingNode)kv.Value).Children.TryGetValue(new YamlScalarNode("Type"), out var t) && ((YamlScalarNode)t).Value == type)
            .Select(kv => (((YamlScalarNode)kv.Key).Value!, (YamlMappingNode)kv.Value["Properties"]));

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    [Fact]
    public void Should_ship_the_template_in_the_build_output()
    {
        Assert.True(File.Exists(TemplatePath), $"{TemplatePath} is missing: Functions.csproj links cloudformation/functions.yaml as content.");
    }

    [Fact]
    public void Should_schedule_each_function_with_the_designed_expression_and_handler()
    {
        var rules = ScheduleTemplate.Load(TemplatePath);

        Assert.Collection(
            rules.OrderBy(r => r.RuleLogicalId, StringComparer.Ordinal),
            scottish =>
            {
                Assert.Equal("ScottishPostcodeSchedule", scottish.RuleLogicalId);
                Assert.Equal("rate(5 minutes)", scottish.Schedule.Text);
                Assert.Equal(FunctionHandlers.ScottishPostcodes, scottish.Handler);
                Assert.True(scottish.Enabled);
            },
            snapshot =>
            {
                Assert.Equal("SnapshotSchedule", snapshot.RuleLogicalId);
                Assert.Equal("cron(0 3 * * ? *)", snapshot.Schedule.Text);
                Assert.Equal(FunctionHandlers.Snapshot, snapshot.Handler);
                Assert.True(snapshot.Enabled);
            });
    }

    [Theory]
    [InlineData(FunctionHandlers.Snapshot, typeof(SnapshotFunction))]
    [InlineData(FunctionHandlers.ScottishPostcodes, typeof(ScottishPostcodeFunction))]
    public void Should_name_a_handler_the_Lambda_runtime_can_load(string handler, Type expected)
    {
        var parts = handler.Split("::");
        Assert.Equal(3, parts.Length);
        var assembly = typeof(FunctionHandlers).Assembly;
        Assert.Equal(assembly.GetName().Name, parts[0]);
        var type = assembly.GetType(parts[1]);
        Assert.Equal(expected, type);
        Assert.NotNull(type!.GetConstructor(Type.EmptyTypes));
        // The runtime finds the method by name: exactly one, Stream in, Task<Stream> out.
        var method = Assert.Single(type.GetMethods(BindingFlags.Public | BindingFlags.Instance), m => m.Name == parts[2]);
        Assert.Equal(typeof(Task<Stream>), method.ReturnType);
        Assert.Equal([typeof(Stream)], method.GetParameters().Select(p => p.ParameterType));
        Assert.Equal(handler, ((IScheduledFunction)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type)).Handler);
    }

    [Fact]
    public void Should_let_each_rule_invoke_its_function_and_nothing_else()
    {
        var permissions = OfType("AWS::Lambda::Permission").ToList();
        foreach (var (ruleId, rule) in OfType("AWS::Events::Rule"))
        {
            var target = (YamlMappingNode)((YamlSequenceNode)rule["Targets"]).Children.Single();
            var functionId = Scalar(target["Arn"]).Replace(".Arn", string.Empty, StringComparison.Ordinal);
            var permission = Assert.Single(permissions, p => Scalar(p.Properties["SourceArn"]) == $"{ruleId}.Arn");
            Assert.Equal("!GetAtt", permission.Properties["SourceArn"].Tag.Value);
            Assert.Equal(functionId, Scalar(permission.Properties["FunctionName"]));
            Assert.Equal("events.amazonaws.com", Scalar(permission.Properties["Principal"]));
            Assert.Equal("lambda:InvokeFunction", Scalar(permission.Properties["Action"]));
        }
    }

    [Fact]
    public void Should_give_every_function_a_log_group_with_retention_under_its_own_name()
    {
        foreach (var (functionId, function) in OfType(ScheduleTemplate.FunctionType))
        {
            var functionName = Scalar(function["FunctionName"]);
            Assert.Single(OfType("AWS::Logs::LogGroup"), g =>
                Scalar(g.Properties["LogGroupName"]) == "/aws/lambda/" + functionName && g.Properties.Children.ContainsKey(new YamlScalarNode("RetentionInDays")));
            Assert.Equal(FunctionHandlers.Assembly, Scalar(function["Handler"]).Split("::")[0]);
            Assert.False(string.IsNullOrEmpty(functionId));
        }
    }

    [Fact]
    public void Should_only_set_environment_variables_the_code_reads()
    {
        var known = ConfigurationKeys.All.Concat(FunctionConfigurationKeys.All).ToHashSet(StringComparer.Ordinal);
        var variables = OfType(ScheduleTemplate.FunctionType)
            .SelectMany(f => ((YamlMappingNode)f.Properties["Environment"]["Variables"]).Children.Keys.Select(Scalar))
            .ToList();

        Assert.NotEmpty(variables);
        Assert.All(variables, v => Assert.Contains(v, known));
    }

    [Fact]
    public void Should_bind_every_function_configuration_key_to_an_option()
    {
        var values = new Dictionary<string, string?>
        {
            [FunctionConfigurationKeys.SnapshotVolumeTagKey] = "backup",
            [FunctionConfigurationKeys.SnapshotVolumeTagValue] = "nightly",
            [FunctionConfigurationKeys.SnapshotRetentionDays] = "30",
            [FunctionConfigurationKeys.SnapshotKeepNewest] = "5",
            [FunctionConfigurationKeys.SnapshotDryRun] = "true",
            [FunctionConfigurationKeys.SnapshotReportBucket] = "reports",
            [FunctionConfigurationKeys.SnapshotReportPrefix] = "runs/",
            [FunctionConfigurationKeys.SnapshotMaxParallelism] = "8",
            [FunctionConfigurationKeys.ScottishPostcodesPageSize] = "25",
            [FunctionConfigurationKeys.ScottishPostcodesOverlap] = "00:05:00",
            [FunctionConfigurationKeys.FunctionsEnabled] = "false",
            [FunctionConfigurationKeys.FunctionsTemplatePath] = "/etc/functions.yaml",
            [FunctionConfigurationKeys.FunctionsSnapshotEnableLocally] = "true",
        };
        Assert.Equal(FunctionConfigurationKeys.All.Order(), values.Keys.Order());
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.ToDictionary(kv => ConfigurationKeys.ToConfigurationPath(kv.Key), kv => kv.Value))
            .Build();

        var snapshot = configuration.GetSection(SnapshotOptions.SectionName).Get<SnapshotOptions>()!;
        var scottish = configuration.GetSection(ScottishPostcodeOptions.SectionName).Get<ScottishPostcodeOptions>()!;
        var scheduler = configuration.GetSection(LocalSchedulerOptions.SectionName).Get<LocalSchedulerOptions>()!;

        Assert.Equal(("backup", "nightly", 30, 5, true), (snapshot.VolumeTagKey, snapshot.VolumeTagValue, snapshot.RetentionDays, snapshot.KeepNewest, snapshot.DryRun));
        Assert.Equal(("reports", "runs/", 8), (snapshot.ReportBucket, snapshot.ReportPrefix, snapshot.MaxParallelism));
        Assert.Equal((25, TimeSpan.FromMinutes(5)), (scottish.PageSize, scottish.Overlap));
        Assert.Equal((false, "/etc/functions.yaml", true), (scheduler.Enabled, scheduler.TemplatePath, scheduler.Snapshot.EnableLocally));
    }

    [Fact]
    public void Should_use_one_volume_tag_and_one_marker_tag_in_code_and_IAM()
    {
        var function = OfType(ScheduleTemplate.FunctionType).Single(f => f.Id == "SnapshotFunction").Properties;
        var variables = (YamlMappingNode)function["Environment"]["Variables"];
        var policy = Pairs(Resources["SnapshotFunctionRole"]).ToList();

        Assert.Equal(new SnapshotOptions().VolumeTagKey, Scalar(variables[FunctionConfigurationKeys.SnapshotVolumeTagKey]));
        Assert.Equal(new SnapshotOptions().ReportPrefix, Scalar(variables[FunctionConfigurationKeys.SnapshotReportPrefix]));
        Assert.Contains($"aws:ResourceTag/{new SnapshotOptions().VolumeTagKey}=SnapshotVolumeTagValue", policy);
        Assert.Contains($"aws:RequestTag/{SnapshotTags.ManagedBy}={SnapshotTags.ManagedByValue}", policy);
        Assert.Contains($"aws:ResourceTag/{SnapshotTags.ManagedBy}={SnapshotTags.ManagedByValue}", policy);
        Assert.Contains(Scalars(Resources["SnapshotFunctionRole"]), s => s.EndsWith($":::${{Bucket}}/{new SnapshotOptions().ReportPrefix}*", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_grant_the_scottish_function_exactly_the_tables_DynamoTables_defines()
    {
        var policy = string.Join("\n", Scalars(Resources["ScottishPostcodeFunctionRole"]));

        Assert.Contains("table/${TablePrefix}" + DynamoTables.Lookups.Suffix, policy, StringComparison.Ordinal);
        Assert.Contains("table/${TablePrefix}" + DynamoTables.Lookups.Suffix + "/index/" + DynamoTables.ByStateIndex, policy, StringComparison.Ordinal);
        Assert.Contains("table/${TablePrefix}" + DynamoTables.UnsupportedPostcodes.Suffix, policy, StringComparison.Ordinal);
        Assert.DoesNotContain(DynamoTables.Results.Suffix, policy, StringComparison.Ordinal);
        Assert.DoesNotContain("dynamodb:*", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("dynamodb:DeleteItem", policy, StringComparison.Ordinal);
    }

    /// <summary>Every <c>key=value</c> of scalar entries anywhere under the node.</summary>
    private static IEnumerable<string> Pairs(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.SelectMany(kv => kv is { Key: YamlScalarNode k, Value: YamlScalarNode v }
            ? [$"{k.Value}={v.Value}"]
            : Pairs(kv.Value)),
        YamlSequenceNode seq => seq.Children.SelectMany(Pairs),
        _ => [],
    };

    /// <summary>Every scalar value anywhere under the node.</summary>
    private static IEnumerable<string> Scalars(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.Values.SelectMany(Scalars),
        YamlSequenceNode seq => seq.Children.SelectMany(Scalars),
        YamlScalarNode scalar => [scalar.Value!],
        _ => [],
    };
}
