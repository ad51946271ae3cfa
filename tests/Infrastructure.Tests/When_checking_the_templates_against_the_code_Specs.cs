using System.Reflection;
using System.Text.RegularExpressions;
using EventDriven.Contracts;
using EventDriven.Functions;
using EventDriven.Functions.LocalScheduler;
using EventDriven.Functions.Schedules;
using EventDriven.Functions.Snapshots;
using EventDriven.Infrastructure.Tests.Templates;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Workers.Upstreams;
using Microsoft.Extensions.DependencyInjection;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Infrastructure.Tests;

/// <summary>
/// The templates name what the code defines - tables, queues, handlers, schedules, configuration keys - compared
/// against the C# definitions themselves (project references), never against copies of the strings.
/// </summary>
public partial class When_checking_the_templates_against_the_code_Specs
{
    private static readonly Topology Topology = Topology.Repository;

    // --- DynamoDB ---

    [Fact]
    public void Should_default_the_table_prefix_to_the_code_default()
    {
        Assert.Equal(DynamoTables.DefaultPrefix, Topology.Template("data").ParameterDefault("TablePrefix"));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Should_declare_exactly_the_tables_the_code_defines(string environment)
    {
        var declared = AllResources("AWS::DynamoDB::Table")
            .Select(r => Topology.Evaluator(r.Template, environment).EvaluateString(r.Resource.Property("TableName"), $"{r.Resource.LogicalId}.TableName"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(DynamoTables.All.Select(t => t.NameWith(DynamoTables.DefaultPrefix)).Order(StringComparer.Ordinal), declared);
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Should_give_each_table_the_code_s_keys_index_and_time_to_live(string suffix)
    {
        var definition = DynamoTables.All.Single(t => t.Suffix == suffix);
        var data = Topology.Template("data");
        var evaluator = Topology.Evaluator(data, "prod");
        var table = data.ResourcesOfType("AWS::DynamoDB::Table")
            .Single(r => evaluator.EvaluateString(r.Property("TableName")) == definition.NameWith(DynamoTables.DefaultPrefix));

        var attributeTypes = Sequence(table.Property("AttributeDefinitions"))
            .ToDictionary(a => Scalar(a, "AttributeName"), a => Scalar(a, "AttributeType"));
        Assert.Equal(KeySchema(definition.PartitionKey, definition.SortKey), KeySchemaOf(table.Property("KeySchema")));

        var expectedIndexes = definition.GlobalSecondaryIndexes
            .ToDictionary(i => i.Name, i => KeySchema(i.PartitionKey, i.SortKey));
        var declaredIndexes = Sequence(table.Property("GlobalSecondaryIndexes"))
            .ToDictionary(i => Scalar(i, "IndexName"), i => KeySchemaOf(CloudFormationTemplate.Child(i, "KeySchema")));
        Assert.Equal(expectedIndexes.Keys.Order(), declaredIndexes.Keys.Order());
        foreach (var (name, keys) in expectedIndexes)
        {
            Assert.Equal(keys, declaredIndexes[name]);
        }

        // Every key attribute is defined with the code's type, and nothing else is defined (CloudFormation refuses extras).
        var keyAttributes = new[] { definition.PartitionKey, definition.SortKey }
            .Concat(definition.GlobalSecondaryIndexes.SelectMany(i => new[] { i.PartitionKey, i.SortKey }))
            .OfType<KeyAttribute>()
            .DistinctBy(k => k.Name)
            .ToDictionary(k => k.Name, k => k.Kind == AttributeKind.String ? "S" : "N");
        Assert.Equal(keyAttributes.OrderBy(k => k.Key), attributeTypes.OrderBy(k => k.Key));

        var ttl = table.Property("TimeToLiveSpecification") as YamlMappingNode;
        if (definition.TimeToLiveAttribute is null)
        {
            Assert.Null(ttl);
        }
        else
        {
            Assert.NotNull(ttl);
            Assert.Equal(definition.TimeToLiveAttribute, Scalar(ttl, "AttributeName"));
            Assert.Equal("true", Scalar(ttl, "Enabled"));
        }

        Assert.Equal("PAY_PER_REQUEST", ((YamlScalarNode)table.Property("BillingMode")!).Value);
        Assert.Equal("true", Scalar((YamlMappingNode)table.Property("PointInTimeRecoverySpecification")!, "PointInTimeRecoveryEnabled"));
    }

    // --- queues ---

    [Fact]
    public void Should_name_only_queues_the_code_defines()
    {
        var known = QueueNames.All.Concat(QueueNames.All.Select(QueueNames.ErrorQueueOf)).ToHashSet();
        var used = QueueDimensions().ToList();

        Assert.NotEmpty(used);
        Assert.All(used, queue => Assert.True(known.Contains(queue.Queue), $"{queue.Where} names queue '{queue.Queue}', which Contracts/QueueNames.cs does not define"));
    }

    [Fact]
    public void Should_alarm_on_a_dead_letter_in_every_error_queue()
    {
        var monitoring = Topology.Template("monitoring");
        var alarmedErrorQueues = monitoring.ResourcesOfType("AWS::CloudWatch::Alarm")
            .Where(a => Scalar(a.Properties, "MetricName") == "MessageCount")
            .Select(a =>
            {
                Assert.Equal("GreaterThanThreshold", Scalar(a.Properties, "ComparisonOperator"));
                Assert.Equal("0", Scalar(a.Properties, "Threshold"));
                Assert.Equal(["AlarmTopic"], ActionTargets(a));
                return DimensionsOf(a.Property("Dimensions"))["Queue"];
            })
            .Order(StringComparer.Ordinal);

        Assert.Equal(QueueNames.All.Select(QueueNames.ErrorQueueOf).Order(StringComparer.Ordinal), alarmedErrorQueues);
    }

    [Fact]
    public void Should_watch_the_backlog_age_of_every_queue()
    {
        var monitoring = Topology.Template("monitoring");
        var watched = monitoring.ResourcesOfType("AWS::CloudWatch::Alarm")
            .Where(a => Scalar(a.Properties, "MetricName") == "MessageReadyCount")
            .Select(a => DimensionsOf(a.Property("Dimensions"))["Queue"])
            .Order(StringComparer.Ordinal);

        Assert.Equal(QueueNames.All.Order(StringComparer.Ordinal), watched);
    }

    [Fact]
    public void Should_scale_the_workers_on_the_depth_of_the_geocode_and_fetch_queues()
    {
        var consumers = Topology.Template("consumers");
        var policies = consumers.ResourcesOfType("AWS::AutoScaling::ScalingPolicy").Select(p => p.LogicalId).ToHashSet();
        var scalingAlarms = consumers.ResourcesOfType("AWS::CloudWatch::Alarm")
            .Where(a => ActionTargets(a).Any(policies.Contains))
            .ToList();

        Assert.Equal(2, scalingAlarms.Count); // out and in
        foreach (var alarm in scalingAlarms)
        {
            var queues = Sequence(alarm.Property("Metrics"))
                .Select(query => CloudFormationTemplate.Child(CloudFormationTemplate.Child(query, "MetricStat") as YamlMappingNode, "Metric") as YamlMappingNode)
                .OfType<YamlMappingNode>()
                .Select(metric => DimensionsOf(CloudFormationTemplate.Child(metric, "Dimensions"))["Queue"])
                .Order(StringComparer.Ordinal);
            Assert.Equal(new[] { QueueNames.FetchCrimes, QueueNames.GeocodePostcode }.Order(StringComparer.Ordinal), queues);
        }
    }

    // --- functions ---

    [Fact]
    public void Should_use_each_handler_string_the_code_documents_exactly_once()
    {
        var documented = typeof(FunctionHandlers).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(FunctionHandlers.Assembly))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);
        var declared = AllResources("AWS::Lambda::Function")
            .Select(r => Topology.Evaluator(r.Template, "prod").EvaluateString(r.Resource.Property("Handler"), $"{r.Resource.LogicalId}.Handler"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(documented, declared);
    }

    [Fact]
    public void Should_schedule_only_with_expressions_the_local_scheduler_runs_the_same_way()
    {
        var rules = AllResources("AWS::Events::Rule")
            .Where(r => r.Resource.Property("ScheduleExpression") is not null)
            .ToList();
        var local = ScheduleTemplate.Load(Topology.Template("functions").Path);

        Assert.NotEmpty(rules);
        // Every schedule rule lives where the local scheduler reads them, and parses with the code's own parser.
        Assert.All(rules, rule => Assert.Equal("functions", rule.Template.Name));
        Assert.Equal(rules.Count, local.Count);
        foreach (var rule in rules)
        {
            var expression = Topology.Evaluator(rule.Template, "prod").EvaluateString(rule.Resource.Property("ScheduleExpression"));
            Assert.Equal(expression, ScheduleExpression.Parse(expression).Text);
            Assert.Contains(local, r => r.RuleLogicalId == rule.Resource.LogicalId && r.Schedule.Text == expression);
        }
    }

    [Fact]
    public void Should_tag_worker_volumes_the_way_the_snapshot_function_selects_them()
    {
        var functions = Topology.Template("functions");
        var snapshot = functions.Resource("SnapshotFunction");
        var variables = (YamlMappingNode)CloudFormationTemplate.Child((YamlMappingNode)snapshot.Property("Environment")!, "Variables")!;
        var evaluator = Topology.Evaluator(functions, "prod");
        var defaults = new SnapshotOptions();
        var tagKey = CloudFormationTemplate.Child(variables, "Snapshot__VolumeTagKey") is { } key ? evaluator.EvaluateString(key) : defaults.VolumeTagKey;
        var tagValue = CloudFormationTemplate.Child(variables, "Snapshot__VolumeTagValue") is { } value ? evaluator.EvaluateString(value) : defaults.VolumeTagValue;

        var launchTemplate = Topology.Template("consumers").Resource("WorkerLaunchTemplate");
        var volumeTags = Sequence(CloudFormationTemplate.Child((YamlMappingNode)launchTemplate.Property("LaunchTemplateData")!, "TagSpecifications"))
            .Where(spec => Scalar(spec, "ResourceType") == "volume")
            .SelectMany(spec => Sequence(CloudFormationTemplate.Child(spec, "Tags")))
            .ToDictionary(tag => Scalar(tag, "Key"), tag => Scalar(tag, "Value"));

        Assert.True(volumeTags.TryGetValue(tagKey, out var tagged), $"worker volumes lack the tag {tagKey} the snapshot function selects by");
        Assert.Equal(tagValue, tagged);
    }

    // --- configuration contract ---

    [Fact]
    public void Should_only_set_configuration_keys_the_code_binds()
    {
        var bound = ConfigurationKeys.All.Concat(FunctionConfigurationKeys.All).ToHashSet(StringComparer.Ordinal);
        var found = Topology.Templates
            .SelectMany(t => t.Walk().Select(n => n.Node).OfType<YamlScalarNode>()
                .SelectMany(s => ConfigurationKey().Matches(s.Value ?? "").Select(m => (Key: m.Value, Where: $"{t}:{s.Start.Line}"))))
            .ToList();

        Assert.NotEmpty(found);
        var unknown = found.Where(f => !bound.Contains(f.Key)).Select(f => $"{f.Where} {f.Key}").ToList();
        Assert.True(unknown.Count == 0, "configuration keys no options class binds (ConfigurationKeys.All, FunctionConfigurationKeys.All):"
            + Environment.NewLine + string.Join(Environment.NewLine, unknown));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Should_run_producers_and_workers_distributed_on_Amazon_MQ_and_DynamoDB(string environment)
    {
        var processes = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["producers (Beanstalk)"] = BeanstalkEnvironment(environment, "aws:elasticbeanstalk:application:environment"),
            ["workers (user data)"] = WorkerEnvironment(environment),
        };

        foreach (var (process, variables) in processes)
        {
            string Value(string key) => variables.TryGetValue(key, out var value) ? value : throw new Xunit.Sdk.XunitException($"{process} does not set {key}");

            Assert.Equal("RabbitMq", Value(ConfigurationKeys.BusTransport));
            Assert.Equal("DynamoDb", Value(ConfigurationKeys.PersistenceProvider));
            Assert.Equal("5671", Value(ConfigurationKeys.BusRabbitMqPort));
            Assert.Equal("true", Value(ConfigurationKeys.BusRabbitMqUseSsl));
            Assert.EndsWith(".amazonaws.com", Value(ConfigurationKeys.BusRabbitMqHost), StringComparison.Ordinal);
            Assert.Equal(DynamoTables.DefaultPrefix, Value(ConfigurationKeys.PersistenceDynamoDbTablePrefix));
            Assert.Equal("false", Value(ConfigurationKeys.PersistenceDynamoDbEnsureTables));
            Assert.False(string.IsNullOrEmpty(Value(ConfigurationKeys.BusRabbitMqUsername)));
            Assert.False(variables.ContainsKey(ConfigurationKeys.PersistenceDynamoDbServiceUrl), $"{process} must use the AWS endpoint, not a ServiceUrl");
        }

        // Secrets never in plain text: Beanstalk reads them from Secrets Manager ARNs; the worker at boot into a root-only file.
        Assert.False(processes["producers (Beanstalk)"].ContainsKey(ConfigurationKeys.BusRabbitMqPassword));
        Assert.False(processes["producers (Beanstalk)"].ContainsKey(ConfigurationKeys.AdminApiKey));
        var secrets = BeanstalkEnvironment(environment, "aws:elasticbeanstalk:application:environmentsecrets");
        Assert.Equal(new[] { ConfigurationKeys.AdminApiKey, ConfigurationKeys.BusRabbitMqPassword }.Order(), secrets.Keys.Order());
        Assert.Equal("$password", processes["workers (user data)"][ConfigurationKeys.BusRabbitMqPassword]);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Should_keep_the_whole_worker_fleet_within_one_police_API_budget(string environment)
    {
        // Every worker leaves through the same NAT address, so the police API sees the fleet as one client. The
        // configured rate and burst are the FLEET's budget: each worker divides it by the live workers at run time
        // (FleetPoliceShare counts the fetch-crimes consumers), so the template must give at most the API's limit.
        var budget = new PoliceApiOptions(); // the code's defaults: the documented per-client limit
        var workers = WorkerEnvironment(environment);
        var fleetRate = double.Parse(workers[ConfigurationKeys.UpstreamsPoliceApiRequestsPerSecond], System.Globalization.CultureInfo.InvariantCulture);
        var fleetBurst = int.Parse(workers[ConfigurationKeys.UpstreamsPoliceApiBurst], System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(fleetRate <= budget.RequestsPerSecond,
            $"{environment}: the fleet's {fleetRate}/s exceeds the police API's {budget.RequestsPerSecond}/s");
        Assert.True(fleetBurst <= budget.Burst,
            $"{environment}: the fleet's burst {fleetBurst} exceeds the police API's burst {budget.Burst}");
        Assert.True(fleetRate > 0 && fleetBurst >= 1);
    }

    [Fact]
    public void Should_alarm_on_the_throttle_counter_the_workers_publish()
    {
        // The instrument names come from the running code: a listener records what UpstreamMetrics creates.
        var published = new List<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == UpstreamMetrics.MeterName)
                {
                    published.Add(instrument.Name);
                }
            },
        };
        listener.Start();
        using (var services = new ServiceCollection().AddMetrics().BuildServiceProvider())
        using (new UpstreamMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()))
        {
        }

        var monitoring = Topology.Template("monitoring");
        Assert.Contains(monitoring.ParameterDefault("UpstreamThrottledMetricName"), published);
        // The alarm reads the namespace the CloudWatch agent on the workers writes to, and the worker role may write only there.
        var userData = Topology.Evaluator(Topology.Template("consumers"), "prod")
            .EvaluateString(CloudFormationTemplate.Child((YamlMappingNode)Topology.Template("consumers").Resource("WorkerLaunchTemplate").Property("LaunchTemplateData")!, "UserData"));
        Assert.Contains($"\"namespace\": \"{monitoring.ParameterDefault("MetricsNamespace")}\"", userData, StringComparison.Ordinal);
        Assert.Contains($"cloudwatch:namespace: {monitoring.ParameterDefault("MetricsNamespace")}",
            string.Join('\n', Topology.Template("consumers").Lines), StringComparison.Ordinal);
    }

    // --- helpers ---

    public static TheoryData<string> Environments() => new(Topology.Environments);

    public static TheoryData<string> Tables() => new(DynamoTables.All.Select(t => t.Suffix));

    private static IEnumerable<(CloudFormationTemplate Template, Resource Resource)> AllResources(string type) =>
        Topology.Templates.SelectMany(t => t.ResourcesOfType(type).Select(r => (t, r)));

    private static IEnumerable<(string Queue, string Where)> QueueDimensions() =>
        Topology.Templates.SelectMany(t => t.Walk()
            .Select(n => n.Node)
            .OfType<YamlMappingNode>()
            .Where(map => Scalar(map, "Name") == "Queue" && CloudFormationTemplate.Child(map, "Value") is YamlScalarNode)
            .Select(map => (Scalar(map, "Value"), $"{t}:{map.Start.Line}")));

    /// <summary>Logical ids an alarm's AlarmActions refer to (<c>!Ref X</c>).</summary>
    private static IReadOnlyList<string> ActionTargets(Resource alarm) =>
        (alarm.Property("AlarmActions") as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value!).ToList() ?? [];

    private static Dictionary<string, string> DimensionsOf(YamlNode? dimensions) =>
        Sequence(dimensions).ToDictionary(d => Scalar(d, "Name"), d => (CloudFormationTemplate.Child(d, "Value") as YamlScalarNode)?.Value ?? "<intrinsic>");

    private static IReadOnlyDictionary<string, string> BeanstalkEnvironment(string environment, string optionNamespace)
    {
        var producers = Topology.Template("producers");
        var evaluator = Topology.Evaluator(producers, environment);
        return Sequence(producers.Resource("Environment").Property("OptionSettings"))
            .Where(option => Scalar(option, "Namespace") == optionNamespace)
            .ToDictionary(option => Scalar(option, "OptionName"), option => evaluator.EvaluateString(CloudFormationTemplate.Child(option, "Value")));
    }

    /// <summary>The variables the user data writes into the worker's systemd EnvironmentFile.</summary>
    private static IReadOnlyDictionary<string, string> WorkerEnvironment(string environment)
    {
        var consumers = Topology.Template("consumers");
        var data = (YamlMappingNode)consumers.Resource("WorkerLaunchTemplate").Property("LaunchTemplateData")!;
        var userData = Topology.Evaluator(consumers, environment).EvaluateString(CloudFormationTemplate.Child(data, "UserData"), "UserData");
        var match = EnvironmentFileHeredoc().Match(userData);
        Assert.True(match.Success, "the worker user data writes no /etc/eventdriven/consumers.env");
        return match.Groups["body"].Value
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    private static (string, string)[] KeySchema(KeyAttribute partition, KeyAttribute? sort) =>
        sort is null ? [(partition.Name, "HASH")] : [(partition.Name, "HASH"), (sort.Name, "RANGE")];

    private static (string, string)[] KeySchemaOf(YamlNode? keySchema) =>
        Sequence(keySchema).Select(k => (Scalar(k, "AttributeName"), Scalar(k, "KeyType"))).ToArray();

    private static IReadOnlyList<YamlMappingNode> Sequence(YamlNode? node) =>
        (node as YamlSequenceNode)?.Children.OfType<YamlMappingNode>().ToList() ?? [];

    private static string Scalar(YamlMappingNode map, string key) =>
        (CloudFormationTemplate.Child(map, key) as YamlScalarNode)?.Value ?? "";

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*(?:__[A-Z][A-Za-z0-9]*)+\b")]
    private static partial Regex ConfigurationKey();

    [GeneratedRegex(@"cat > /etc/eventdriven/consumers\.env <<ENV\n(?<body>.*?)\nENV\n", RegexOptions.Singleline)]
    private static partial Regex EnvironmentFileHeredoc();
}
