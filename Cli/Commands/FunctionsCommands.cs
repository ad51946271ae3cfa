using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using EventDriven.Contracts;
using EventDriven.Functions;
using EventDriven.Functions.Events;
using EventDriven.Functions.Hosting;
using EventDriven.Functions.LocalScheduler;
using EventDriven.Functions.ScottishPostcodes;
using EventDriven.Functions.Snapshots;
using EventDriven.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace EventDriven.Cli.Commands;

/// <summary>
/// <c>functions invoke snapshot|scottish-postcodes</c>: runs a scheduled function in this process with the event EventBridge
/// would send, and prints its summary. <c>functions schedule</c>: the rules of cloudformation/functions.yaml and their next runs.
/// </summary>
public static class FunctionsCommands
{
    private const string LocalRuleArnPrefix = "arn:aws:events:local:000000000000:rule/";

    public static Command Create(CliContext context)
    {
        var functions = new Command("functions", "The scheduled functions (EBS snapshots, Scottish-postcode registry).");
        var invoke = new Command("invoke", "Run a scheduled function now, in this process, with a scheduled event.");
        invoke.Add(SnapshotCommand(context));
        invoke.Add(ScottishPostcodesCommand(context));
        functions.Add(invoke);
        functions.Add(ScheduleCommand(context));
        return functions;
    }

    private static Option<DateTimeOffset?> TimeOption() => new("--time")
    {
        Description = "The event's scheduled time (ISO 8601, UTC); defaults to now. Snapshots of one time form one run: repeating a time is idempotent.",
    };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the summary as JSON (as the Lambda returns it) instead of a table." };

    private static Command SnapshotCommand(CliContext context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be created and deleted; change nothing." };
        var time = TimeOption();
        var json = JsonOption();
        var command = new Command("snapshot", "EBS snapshots of the tagged volumes, with retention (needs AWS credentials and region; Snapshot__* options).")
        {
            dryRun, time, json,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, "SnapshotSchedule", parse.GetValue(time), parse.GetValue(json),
            services => services.AddSnapshotFunction(context.Configuration),
            provider => provider.GetRequiredService<SnapshotFunction>(),
            detail: parse.GetValue(dryRun) ? JsonDocument.Parse("{\"dryRun\":true}").RootElement : null,
            cancellationToken));
        return command;
    }

    private static Command ScottishPostcodesCommand(CliContext context)
    {
        var time = TimeOption();
        var json = JsonOption();
        var command = new Command("scottish-postcodes", "Merge unsupported (Scottish) lookups into the unsupported-postcodes registry (needs Persistence__Provider=DynamoDb).")
        {
            time, json,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, "ScottishPostcodeSchedule", parse.GetValue(time), parse.GetValue(json),
            services =>
            {
                var provider = context.Configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>()?.Provider ?? PersistenceProvider.InMemory;
                if (provider == PersistenceProvider.InMemory && services.All(s => s.ServiceType != typeof(ILookupStateReader)))
                {
                    throw new CannotRunException(
                        $"scottish-postcodes reads the saga store, and {ConfigurationKeys.PersistenceProvider} is InMemory: a separate process has nothing to read. " +
                        $"Set {ConfigurationKeys.PersistenceProvider}=DynamoDb (and {ConfigurationKeys.PersistenceDynamoDbTablePrefix}); " +
                        "in embedded mode the API process runs this function every 5 minutes by itself.");
                }

                services.AddLookupPersistence(context.Configuration);
                services.AddScottishPostcodeFunction(context.Configuration);
            },
            provider => provider.GetRequiredService<ScottishPostcodeFunction>(),
            detail: null,
            cancellationToken));
        return command;
    }

    private static Command ScheduleCommand(CliContext context)
    {
        var count = new Option<int>("--count") { Description = "Occurrences to list per rule.", DefaultValueFactory = _ => 3 };
        var template = new Option<string?>("--template") { Description = "CloudFormation template to read (default: Functions:TemplatePath or the shipped copy)." };
        var command = new Command("schedule", "List the schedule rules of cloudformation/functions.yaml and their next runs (UTC).") { count, template };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            if (n is < 1 or > 100)
            {
                context.Console.MarkupLine("[red]--count must be between 1 and 100.[/]");
                return ExitCodes.CannotRun;
            }

            var path = parse.GetValue(template) ?? context.Configuration.GetSection(LocalSchedulerOptions.SectionName).Get<LocalSchedulerOptions>()?.ResolvedTemplatePath
                ?? LocalSchedulerOptions.DefaultTemplatePath;
            IReadOnlyList<ScheduledRule> rules;
            try
            {
                rules = ScheduleTemplate.Load(path);
            }
            catch (ScheduleTemplateException e)
            {
                context.Console.MarkupLineInterpolated($"[red]{e.Message}[/]");
                return ExitCodes.CannotRun;
            }

            var now = DateTimeOffset.UtcNow;
            var table = new Table().AddColumns("rule", "schedule", "state", "function", "next runs (UTC)");
            foreach (var rule in rules)
            {
                var next = rule.Schedule.GetNextOccurrences(now, n).Select(t => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
                table.AddRow(new Text(rule.RuleLogicalId), new Text(rule.Schedule.Text), new Text(rule.Enabled ? "ENABLED" : "DISABLED"),
                    new Text(rule.FunctionLogicalId), new Text(string.Join("\n", next)));
            }

            context.Console.Write(table);
            context.Console.MarkupLineInterpolated($"[grey]from {path}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context,
        string ruleName,
        DateTimeOffset? time,
        bool asJson,
        Action<IServiceCollection> register,
        Func<IServiceProvider, IScheduledFunction> resolve,
        JsonElement? detail,
        CancellationToken cancellationToken)
    {
        var scheduledEvent = ScheduledEvent.For(LocalRuleArnPrefix + ruleName, time ?? DateTimeOffset.UtcNow, detail: detail);
        try
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddMetrics();
            services.AddSingleton(context.Configuration);
            context.ConfigureServices?.Invoke(services);
            register(services);
            await using var provider = services.BuildServiceProvider();
            // The registrations' own start-up work (e.g. creating DynamoDB tables when EnsureTables is on), as in a host.
            var hosted = provider.GetServices<IHostedService>().ToList();
            foreach (var service in hosted)
            {
                await service.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            var function = resolve(provider);

            var summary = await function.RunAsync(scheduledEvent, cancellationToken).ConfigureAwait(false);
            if (asJson)
            {
                // Straight to the output writer: machine-readable output must not be wrapped to the terminal width.
                await context.Console.Profile.Out.Writer.WriteLineAsync(JsonSerializer.Serialize(summary, summary.GetType(), FunctionJson.Options)).ConfigureAwait(false);
            }
            else
            {
                Print(context.Console, ruleName, scheduledEvent, summary);
            }

            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return summary.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
        }
        catch (CannotRunException e)
        {
            context.Console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return ExitCodes.CannotRun;
        }
        catch (OptionsValidationException e)
        {
            context.Console.MarkupLineInterpolated($"[red]Invalid configuration: {e.Message}[/]");
            return ExitCodes.CannotRun;
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or HttpRequestException or StoreUnavailableException
                                       or NotSupportedException or InvalidOperationException
                                       || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // No credentials, no region, an unreachable endpoint or a timeout, a store that is not wired: say so, no stack trace.
            context.Console.MarkupLineInterpolated($"[red]{ruleName} could not run: {e.Message}[/]");
            return ExitCodes.CannotRun;
        }
    }

    private static void Print(IAnsiConsole console, string ruleName, ScheduledEvent scheduledEvent, IFunctionRunSummary summary)
    {
        var table = new Table().HideHeaders().AddColumns("", "");
        foreach (var (label, value) in summary.Describe())
        {
            table.AddRow(new Text(label), new Text(value));
        }

        console.MarkupLineInterpolated($"[bold]{ruleName}[/] invoked with a scheduled event for {scheduledEvent.Time:yyyy-MM-dd HH:mm:ss}Z");
        console.Write(table);
        console.MarkupLine(summary.Succeeded ? "[green]succeeded[/]" : "[red]failed: see the failed row above[/]");
    }

    private sealed class CannotRunException(string message) : Exception(message);
}
