using System.Collections.Concurrent;
using EventDriven.Functions.Events;
using EventDriven.Functions.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Functions.LocalScheduler;

/// <summary>
/// Embedded mode's EventBridge: reads the schedule rules from the CloudFormation template and, at each occurrence,
/// invokes the function whose handler the rule's target names, in-process, with the scheduled event EventBridge would send.
/// A run that overlaps its next occurrence delays that occurrence rather than running twice at once.
/// </summary>
public sealed class LocalFunctionScheduler(
    IEnumerable<IScheduledFunction> functions,
    IOptions<LocalSchedulerOptions> options,
    LocalSchedulerStatus status,
    TimeProvider time,
    ILogger<LocalFunctionScheduler> logger) : BackgroundService
{
    private readonly LocalSchedulerOptions _options = options.Value;
    private IReadOnlyList<ScheduledRule> _rules = [];

    /// <summary>Reads the template before the host finishes starting, so a broken template stops start-up with its reason.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled)
        {
            _rules = ScheduleTemplate.Load(_options.ResolvedTemplatePath);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            logger.LogInformation("Local function scheduler disabled (Functions:Enabled=false).");
            return;
        }

        var rules = _rules;
        var byHandler = functions.ToDictionary(f => f.Handler, StringComparer.Ordinal);
        var loops = new List<Task>();
        foreach (var rule in rules)
        {
            if (!rule.Enabled)
            {
                logger.LogInformation("Rule {Rule} ({Schedule}) is DISABLED in the template; not scheduled.", rule.RuleLogicalId, rule.Schedule);
                continue;
            }

            if (!byHandler.TryGetValue(rule.Handler, out var function))
            {
                logger.LogInformation(
                    "Rule {Rule} ({Schedule}) targets {Handler}, which is not enabled in this process (the snapshot function needs Functions:Snapshot:EnableLocally=true).",
                    rule.RuleLogicalId, rule.Schedule, rule.Handler);
                continue;
            }

            logger.LogInformation("Rule {Rule}: {Schedule} -> {Function}.", rule.RuleLogicalId, rule.Schedule, rule.FunctionLogicalId);
            loops.Add(RunRuleAsync(rule, function, stoppingToken));
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private async Task RunRuleAsync(ScheduledRule rule, IScheduledFunction function, CancellationToken stoppingToken)
    {
        var ruleArn = $"arn:aws:events:local:000000000000:rule/{rule.RuleLogicalId}";
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (rule.Schedule.GetNextOccurrence(now) is not { } next)
            {
                logger.LogInformation("Rule {Rule} has no further occurrences.", rule.RuleLogicalId);
                status.Armed(rule.RuleLogicalId, null);
                return;
            }

            // The timer is created before the status says "armed", so a test clock advanced after that always fires it.
            var wait = Task.Delay(next - now, time, stoppingToken);
            status.Armed(rule.RuleLogicalId, next);
            try
            {
                await wait.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await FireAsync(rule, function, ScheduledEvent.For(ruleArn, next), stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task FireAsync(ScheduledRule rule, IScheduledFunction function, ScheduledEvent scheduledEvent, CancellationToken stoppingToken)
    {
        try
        {
            var summary = await function.RunAsync(scheduledEvent, stoppingToken).ConfigureAwait(false);
            status.Completed(rule.RuleLogicalId, scheduledEvent.Time, summary);
            if (!summary.Succeeded)
            {
                logger.LogError("Rule {Rule} run at {Time:u} finished with failures: {Summary}", rule.RuleLogicalId, scheduledEvent.Time,
                    string.Join("; ", summary.Describe().Select(kv => $"{kv.Key}={kv.Value.Replace('\n', ' ')}")));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A failed run is logged and the schedule goes on, as EventBridge keeps firing a rule whose target fails.
            status.Failed(rule.RuleLogicalId, scheduledEvent.Time, e);
            logger.LogError(e, "Rule {Rule} run at {Time:u} failed.", rule.RuleLogicalId, scheduledEvent.Time);
        }
    }
}

/// <summary>What the local scheduler has armed and run, per rule: for health pages, logs and tests.</summary>
public sealed class LocalSchedulerStatus
{
    private readonly ConcurrentDictionary<string, RuleStatus> _rules = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, RuleStatus> Rules => _rules;

    internal void Armed(string rule, DateTimeOffset? next) =>
        _rules.AddOrUpdate(rule, _ => new RuleStatus(next, null, 0, 0, null), (_, s) => s with { NextRun = next });

    internal void Completed(string rule, DateTimeOffset time, IFunctionRunSummary summary) =>
        _rules.AddOrUpdate(rule, _ => new RuleStatus(null, time, 1, summary.Succeeded ? 0 : 1, summary),
            (_, s) => s with { LastRun = time, Runs = s.Runs + 1, FailedRuns = s.FailedRuns + (summary.Succeeded ? 0 : 1), LastSummary = summary });

    internal void Failed(string rule, DateTimeOffset time, Exception error) =>
        _rules.AddOrUpdate(rule, _ => new RuleStatus(null, time, 1, 1, null) { LastError = error.Message },
            (_, s) => s with { LastRun = time, Runs = s.Runs + 1, FailedRuns = s.FailedRuns + 1, LastError = error.Message });
}

public sealed record RuleStatus(DateTimeOffset? NextRun, DateTimeOffset? LastRun, int Runs, int FailedRuns, IFunctionRunSummary? LastSummary)
{
    public string? LastError { get; init; }
}
