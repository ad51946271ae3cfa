using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Hosting.Operations;
using EventDriven.Persistence;
using EventDriven.Persistence.History;
using EventDriven.Persistence.Operations;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventDriven.Cli.Commands;

/// <summary>
/// The operations commands beyond inspection, straight against the shared store and the broker (distributed mode):
/// <c>lookups history|stuck|redrive|states</c>, <c>dead-letters groups|replay|replays|purge</c> and <c>audit list</c>.
/// Actions are recorded as done by <c>cli:user@host</c> (<see cref="OperatorNames.Cli"/>).
/// </summary>
public static class OperationsCommands
{
    private static readonly JsonSerializerOptions Json = new(LookupHistoryJson.Options) { WriteIndented = true };

    public static IEnumerable<Command> LookupCommands(CliContext context) =>
        [HistoryCommand(context), StuckCommand(context), RedriveCommand(context), StatesCommand(context)];

    public static IEnumerable<Command> DeadLetterCommands(CliContext context) =>
        [GroupsCommand(context), ReplayCommand(context), ReplaysCommand(context), PurgeCommand(context)];

    public static Command AuditCommand(CliContext context)
    {
        var limit = new Option<int>("--limit") { Description = $"Records per page (1-{AuditLimits.MaxPageSize}).", DefaultValueFactory = _ => 50 };
        var pageToken = new Option<string?>("--page-token") { Description = "The next-page token printed by the previous page." };
        var json = JsonOption();
        var list = new Command("list", "Operator actions, newest first: who, when, what, how many, outcome.") { limit, pageToken, json };
        list.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            if (parse.GetValue(limit) is < 1 or > AuditLimits.MaxPageSize)
            {
                throw new ArgumentException($"--limit must be between 1 and {AuditLimits.MaxPageSize}.");
            }

            await using var services = await OperatorServices.ForOperationsAsync(context, "the audit trail", cancellationToken: cancellationToken);
            var page = await services.GetRequiredService<IAuditTrail>().ListAsync(parse.GetValue(limit), parse.GetValue(pageToken), cancellationToken);
            if (parse.GetValue(json))
            {
                context.Console.WriteLine(JsonSerializer.Serialize(new { items = page.Items, nextPageToken = page.NextPageToken }, Json));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("When (UTC)", "Who", "Action", "What", "Count", "Outcome");
            foreach (var r in page.Items)
            {
                table.AddRow(Time(r.At), Markup.Escape(r.Who), Markup.Escape(r.Action), Markup.Escape(r.What), r.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Outcome));
            }

            context.Console.Write(table);
            context.Console.MarkupLineInterpolated($"{page.Items.Count} record(s).");
            if (page.NextPageToken is not null)
            {
                context.Console.MarkupLineInterpolated($"Next page: --page-token {page.NextPageToken}");
            }

            return ExitCodes.Success;
        }));
        return new Command("audit", "The audit trail of operator actions (replay, re-drive, purge, pause/resume/cancel).") { list };
    }

    private static Command HistoryCommand(CliContext context)
    {
        var (id, postcode, latitude, longitude) = LookupSelector();
        var json = JsonOption();
        var command = new Command("history", "Everything that happened to one lookup, oldest first: transitions, upstream calls, dead letters, replays, operator actions.")
        {
            id, postcode, latitude, longitude, json,
        };
        command.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            var lookupId = LookupsCommands.ResolveId(parse.GetValue(id), parse.GetValue(postcode), parse.GetValue(latitude), parse.GetValue(longitude));
            await using var services = await OperatorServices.ForOperationsAsync(context, "lookup history", cancellationToken: cancellationToken);
            var lookup = await services.GetRequiredService<ILookupStateReader>().GetAsync(lookupId, cancellationToken);
            if (lookup is null || !lookup.IsStarted)
            {
                context.Console.MarkupLineInterpolated($"[yellow]No lookup has the id {lookupId}.[/]");
                return ExitCodes.Failed;
            }

            var entries = (await services.GetRequiredService<ILookupHistory>().ReadAsync(lookupId, cancellationToken))
                .Where(e => LookupHistoryLimits.BelongsTo(e, lookup.CreatedAt)).ToList();
            if (parse.GetValue(json))
            {
                context.Console.WriteLine(JsonSerializer.Serialize(new { lookupId, lookupKey = lookup.LookupKey, status = lookup.Status, entries }, Json));
                return ExitCodes.Success;
            }

            context.Console.MarkupLineInterpolated($"Lookup {lookupId} ({lookup.LookupKey}), now {lookup.Status}");
            var table = new Table().AddColumns("At (UTC)", "Kind", "What");
            foreach (var entry in entries)
            {
                table.AddRow(Time(entry.At, precise: true), entry.Kind, Markup.Escape(entry.Describe()));
            }

            context.Console.Write(table);
            context.Console.MarkupLineInterpolated($"{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command StuckCommand(CliContext context)
    {
        var olderThan = new Option<string>("--older-than") { Description = "No progress for at least this long (hh:mm:ss).", DefaultValueFactory = _ => "00:05:00" };
        var limit = new Option<int>("--limit") { Description = $"At most this many, stalest first (1-{StuckLookups.MaxListed}).", DefaultValueFactory = _ => 50 };
        var fix = new Option<bool>("--fix") { Description = "Run each lookup's fixing action (replay its dead-lettered command, or re-drive it)." };
        var yes = new Option<bool>("--yes") { Description = "With --fix: do not ask." };
        var json = JsonOption();
        var command = new Command("stuck", "Lookups in progress with no progress, stalest first, each with its cause and the action that fixes it. Exit code 1 when there are any.")
        {
            olderThan, limit, fix, yes, json,
        };
        command.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            if (!TimeSpan.TryParse(parse.GetValue(olderThan), CultureInfo.InvariantCulture, out var age) || age < TimeSpan.Zero || age > TimeSpan.FromDays(30))
            {
                throw new ArgumentException($"--older-than is a duration from 00:00:00 to 30.00:00:00, e.g. 00:05:00 (was '{parse.GetValue(olderThan)}').");
            }

            if (parse.GetValue(limit) is < 1 or > StuckLookups.MaxListed)
            {
                throw new ArgumentException($"--limit must be between 1 and {StuckLookups.MaxListed}.");
            }

            var services = await OperatorServices.ForOperationsAsync(context, "stuck-lookup detection", bus: parse.GetValue(fix), cancellationToken);
            try
            {
                var report = await services.GetRequiredService<StuckLookups>().FindAsync(age, parse.GetValue(limit), cancellationToken);
                if (parse.GetValue(json))
                {
                    context.Console.WriteLine(JsonSerializer.Serialize(report, Json));
                }
                else
                {
                    var table = new Table().AddColumns("Lookup id", "Key", "State", "Stuck for", "Cause", "Fix");
                    foreach (var item in report.Items)
                    {
                        table.AddRow(item.LookupId.ToString(), Markup.Escape(item.LookupKey), item.State, Duration(item.StuckForSeconds),
                            Markup.Escape(item.Cause), Markup.Escape(item.Action.Cli));
                    }

                    context.Console.Write(table);
                    context.Console.MarkupLineInterpolated($"{report.Items.Count} stuck lookup(s) with no progress for {age:c}{(report.Complete ? string.Empty : " (only the newest lookups in progress were looked at)")}.");
                    if (report.DeadLettersNote is not null)
                    {
                        context.Console.MarkupLineInterpolated($"[grey]Dead letters not looked at: {report.DeadLettersNote}[/]");
                    }
                }

                if (parse.GetValue(fix) && report.Items.Count > 0)
                {
                    if (!Confirm(context, parse.GetValue(yes), $"Run the {report.Items.Count} fix(es) above?"))
                    {
                        return ExitCodes.Failed;
                    }

                    foreach (var item in report.Items)
                    {
                        context.Console.MarkupLineInterpolated($"{item.LookupId}: {await FixAsync(services, item, cancellationToken)}");
                    }
                }

                return report.Items.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
            }
            finally
            {
                await OperatorServices.DisposeOperationsAsync(services);
            }
        }));
        return command;
    }

    private static async Task<string> FixAsync(IServiceProvider services, StuckLookup item, CancellationToken cancellationToken)
    {
        if (item.Action.Kind == "replay")
        {
            var runner = services.GetRequiredService<ReplayRunner>();
            var messageId = item.Action.Href.Split("messageId=")[1];
            var queue = item.Action.Href.Split("queue=")[1].Split('&')[0];
            var job = await runner.CreateAsync(new ReplaySelection(Uri.UnescapeDataString(queue), Uri.UnescapeDataString(messageId)), ReplayLimits.DefaultRate, null, OperatorNames.Cli(), cancellationToken);
            job = await runner.RunAsync(job.Id, cancellationToken: cancellationToken);
            return $"replay {job.Id}: {job.Status}, {job.Replayed} replayed";
        }

        var lookup = await services.GetRequiredService<ILookupStateReader>().GetAsync(item.LookupId, cancellationToken);
        using var scope = services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<LookupRedriver>().RedriveAsync(lookup!, OperatorNames.Cli(), cancellationToken);
        return $"re-driven: sent {result.Sent} {result.MessageId} to {result.Queue}";
    }

    private static Command RedriveCommand(CliContext context)
    {
        var (id, postcode, latitude, longitude) = LookupSelector();
        var command = new Command("redrive", "Send again the command a lookup waits for (a Failed lookup: start a new attempt). Needs the broker.")
        {
            id, postcode, latitude, longitude,
        };
        command.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            var lookupId = LookupsCommands.ResolveId(parse.GetValue(id), parse.GetValue(postcode), parse.GetValue(latitude), parse.GetValue(longitude));
            var services = await OperatorServices.ForOperationsAsync(context, "re-drive", bus: true, cancellationToken);
            try
            {
                var lookup = await services.GetRequiredService<ILookupStateReader>().GetAsync(lookupId, cancellationToken);
                if (lookup is null || !lookup.IsStarted)
                {
                    context.Console.MarkupLineInterpolated($"[yellow]No lookup has the id {lookupId}.[/]");
                    return ExitCodes.Failed;
                }

                using var scope = services.CreateScope();
                var result = await scope.ServiceProvider.GetRequiredService<LookupRedriver>().RedriveAsync(lookup, OperatorNames.Cli(), cancellationToken);
                context.Console.MarkupLineInterpolated($"Lookup {lookupId} ({result.State}): sent {result.Sent} {result.MessageId} to {result.Queue}.");
                return ExitCodes.Success;
            }
            finally
            {
                await OperatorServices.DisposeOperationsAsync(services);
            }
        }));
        return command;
    }

    private static Command StatesCommand(CliContext context)
    {
        var json = JsonOption();
        var command = new Command("states", "Lookups per state now, and the state machine as a Mermaid diagram read from the machine itself.") { json };
        command.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            await using var services = await OperatorServices.ForOperationsAsync(context, "the lookups", cancellationToken: cancellationToken);
            var reader = services.GetRequiredService<ILookupStateReader>();
            var counts = new List<(string State, long Count)>();
            foreach (var state in Contracts.LookupStatus.All)
            {
                counts.Add((state, await reader.CountByStateAsync(state, cancellationToken)));
            }

            var diagram = Sagas.LookupStateDiagram.ToMermaid(Sagas.LookupStateDiagram.TransitionsOf(
                new Sagas.CrimeLookupStateMachine(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new Sagas.LookupOptions()))));
            if (parse.GetValue(json))
            {
                context.Console.WriteLine(JsonSerializer.Serialize(new { states = counts.Select(c => new { state = c.State, count = c.Count }), diagram }, Json));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("State", "Lookups");
            foreach (var (state, count) in counts)
            {
                table.AddRow(state, count.ToString(CultureInfo.InvariantCulture));
            }

            context.Console.Write(table);
            context.Console.WriteLine(diagram.TrimEnd());
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command GroupsCommand(CliContext context)
    {
        var json = JsonOption();
        var command = new Command("groups", "Dead letters grouped by message type, exception type and upstream status class, largest first.") { json };
        command.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            await using var services = await OperatorServices.ForOperationsAsync(context, "failure groups", cancellationToken: cancellationToken);
            var listing = await services.GetRequiredService<DeadLetterGroups>().ListAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                context.Console.WriteLine(JsonSerializer.Serialize(listing, Json));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Group", "Count", "Message", "Exception", "Status", "First seen (UTC)", "Last seen (UTC)", "Queues", "Example");
            foreach (var g in listing.Groups)
            {
                table.AddRow(g.Id, g.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(g.MessageType), Markup.Escape(g.ExceptionType), Markup.Escape(g.StatusClass),
                    g.FirstSeen is { } first ? Time(first) : "-", g.LastSeen is { } last ? Time(last) : "-",
                    Markup.Escape(string.Join(", ", g.Queues.Select(q => $"{q.Queue}_error {q.Count}"))),
                    Markup.Escape($"{g.Example.MessageId}: {g.Example.FaultReason}"));
            }

            context.Console.Write(table);
            context.Console.MarkupLineInterpolated($"{listing.Groups.Count} group(s), {listing.Total} dead letter(s){(listing.Complete ? string.Empty : " (more than could be read; counts cover those read)")}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ReplayCommand(CliContext context)
    {
        var queue = new Option<string?>("--queue") { Description = "Only this queue's dead letters (e.g. fetch-crimes)." };
        var messageId = new Option<string?>("--message-id") { Description = "Only this message." };
        var group = new Option<string?>("--group") { Description = "Only this failure group (see dead-letters groups)." };
        var rate = new Option<double>("--rate") { Description = $"Messages per second at most ({ReplayLimits.MinRate}-{ReplayLimits.MaxRate}).", DefaultValueFactory = _ => ReplayLimits.DefaultRate };
        var first = new Option<int?>("--first") { Description = "A canary: replay this many, wait for their outcome, and go on only if none failed again." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be replayed; move nothing." };
        var detach = new Option<bool>("--detach") { Description = "Start the replay and leave it to the API processes (they drive replays nobody drives)." };
        var command = new Command("replay",
            "Replay dead letters to their queue (crimes to their replay lane), paced, with progress and ETA; Ctrl+C pauses. " +
            "Published with a confirm first, then removed from the error queue; a dead letter replayed before is not published again.")
        {
            queue, messageId, group, rate, first, dryRun, detach,
        };
        command.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            if (parse.GetValue(dryRun))
            {
                return await DeadLettersCommands.DryRunAsync(context, parse.GetValue(queue), parse.GetValue(messageId), cancellationToken);
            }

            await using var services = await OperatorServices.ForOperationsAsync(context, "replay state", cancellationToken: cancellationToken);
            var runner = services.GetRequiredService<ReplayRunner>();
            var job = await runner.CreateAsync(new ReplaySelection(parse.GetValue(queue), parse.GetValue(messageId), parse.GetValue(group)),
                parse.GetValue(rate), parse.GetValue(first), OperatorNames.Cli(), cancellationToken);
            context.Console.MarkupLineInterpolated($"Replay {job.Id}: {job.Total} dead letter(s) at up to {job.Rate:0.##}/s{(job.Canary is { } n ? $", canary of {n} first" : string.Empty)}.");
            if (parse.GetValue(detach) || job.IsFinished)
            {
                return ExitCodes.Success;
            }

            return await DriveAsync(context, runner, job, cancellationToken);
        }));
        return command;
    }

    private static Command ReplaysCommand(CliContext context)
    {
        var replays = new Command("replays", "Replays: list, show, pause, resume (drives it here unless --detach), cancel.");
        var json = JsonOption();
        var list = new Command("list", "The newest replays.") { json };
        list.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            await using var services = await OperatorServices.ForOperationsAsync(context, "replay state", cancellationToken: cancellationToken);
            var jobs = await services.GetRequiredService<IReplayJobStore>().ListAsync(50, cancellationToken);
            if (parse.GetValue(json))
            {
                context.Console.WriteLine(JsonSerializer.Serialize(new { items = jobs }, Json));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Replay", "Status", "Selection", "Rate/s", "Done", "Skipped", "Total", "By", "Updated (UTC)", "Note");
            foreach (var j in jobs)
            {
                table.AddRow(j.Id, j.Status.ToString(), Markup.Escape(new ReplaySelection(j.Queue, j.MessageId, j.Group).ToString()), j.Rate.ToString("0.##", CultureInfo.InvariantCulture),
                    j.Replayed.ToString(CultureInfo.InvariantCulture), j.Skipped.ToString(CultureInfo.InvariantCulture), j.Total.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(j.StartedBy), Time(j.UpdatedAt), Markup.Escape(j.Note ?? string.Empty));
            }

            context.Console.Write(table);
            return ExitCodes.Success;
        }));
        replays.Add(list);

        var showId = ReplayIdArgument();
        var show = new Command("show", "One replay with its progress.") { showId, JsonOption() };
        show.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            await using var services = await OperatorServices.ForOperationsAsync(context, "replay state", cancellationToken: cancellationToken);
            var job = await services.GetRequiredService<IReplayJobStore>().GetAsync(parse.GetValue(showId)!, cancellationToken)
                ?? throw new ReplayJobNotFoundException(parse.GetValue(showId)!);
            context.Console.WriteLine(JsonSerializer.Serialize(job, Json));
            return ExitCodes.Success;
        }));
        replays.Add(show);

        foreach (var (name, help) in new[] { ("pause", "Pause a running replay (its driver stops within a second, keeping its progress)."), ("cancel", "Cancel a replay for good.") })
        {
            var id = ReplayIdArgument();
            var change = new Command(name, help) { id };
            change.SetAction((parse, cancellationToken) => Guarded(context, async () =>
            {
                await using var services = await OperatorServices.ForOperationsAsync(context, "replay state", cancellationToken: cancellationToken);
                var runner = services.GetRequiredService<ReplayRunner>();
                var job = name == "pause"
                    ? await runner.PauseAsync(parse.GetValue(id)!, OperatorNames.Cli(), cancellationToken)
                    : await runner.CancelAsync(parse.GetValue(id)!, OperatorNames.Cli(), cancellationToken);
                context.Console.MarkupLineInterpolated($"Replay {job.Id}: {job.Status} at {job.Done} of {job.Total}.");
                return ExitCodes.Success;
            }));
            replays.Add(change);
        }

        var resumeId = ReplayIdArgument();
        var resumeDetach = new Option<bool>("--detach") { Description = "Leave it to the API processes instead of driving it here." };
        var resume = new Command("resume", "Resume a paused replay (past its canary), or take over one whose driver died.") { resumeId, resumeDetach };
        resume.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            await using var services = await OperatorServices.ForOperationsAsync(context, "replay state", cancellationToken: cancellationToken);
            var runner = services.GetRequiredService<ReplayRunner>();
            var job = await runner.ResumeAsync(parse.GetValue(resumeId)!, OperatorNames.Cli(), cancellationToken);
            context.Console.MarkupLineInterpolated($"Replay {job.Id}: resumed at {job.Done} of {job.Total}.");
            return parse.GetValue(resumeDetach) ? ExitCodes.Success : await DriveAsync(context, runner, job, cancellationToken);
        }));
        replays.Add(resume);
        return replays;
    }

    private static Command PurgeCommand(CliContext context)
    {
        var group = new Option<string>("--group") { Description = "The failure group to remove for good (see dead-letters groups).", Required = true };
        var yes = new Option<bool>("--yes") { Description = "Do not ask." };
        var command = new Command("purge", "Remove a failure group's dead letters for good (asks first; audited).") { group, yes };
        command.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            await using var services = await OperatorServices.ForOperationsAsync(context, "failure groups", cancellationToken: cancellationToken);
            var found = await services.GetRequiredService<DeadLetterGroups>().FindAsync(parse.GetValue(group)!, cancellationToken);
            if (found is null)
            {
                context.Console.MarkupLineInterpolated($"[yellow]No failure group has the id '{parse.GetValue(group)}' now (see dead-letters groups).[/]");
                return ExitCodes.Failed;
            }

            if (!Confirm(context, parse.GetValue(yes),
                    $"Remove {found.Count} dead letter(s) of group {found.Id} ({found.MessageType} / {found.ExceptionType} / {found.StatusClass}) for good?"))
            {
                return ExitCodes.Failed;
            }

            var purged = await services.GetRequiredService<DeadLetterPurger>().PurgeAsync(new ReplaySelection(Group: found.Id), found.Count, OperatorNames.Cli(), cancellationToken);
            context.Console.MarkupLineInterpolated($"Purged {purged} dead letter(s) of group {found.Id}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Drives a replay here with a progress bar and an ETA; Ctrl+C pauses it (resume with <c>dead-letters replays resume</c>).</summary>
    private static async Task<int> DriveAsync(CliContext context, ReplayRunner runner, ReplayJob job, CancellationToken cancellationToken)
    {
        var final = job;
        var interrupted = false;
        await context.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Describe(job), maxValue: Math.Max(1, job.Total));
                task.Value = job.Done;
                var reporter = new SynchronousProgress<ReplayJob>(j =>
                {
                    task.Description = Describe(j);
                    task.Value = j.Done;
                    final = j;
                });
                try
                {
                    final = await runner.RunAsync(job.Id, reporter, ReplayJobStatus.Paused, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    interrupted = true;
                }

                if (final.Status == ReplayJobStatus.Completed)
                {
                    task.Value = task.MaxValue;
                }
            });

        if (interrupted)
        {
            context.Console.MarkupLineInterpolated($"Replay {job.Id} paused at {final.Done} of {final.Total}; resume with: eventdriven dead-letters replays resume {job.Id}");
            return ExitCodes.Failed;
        }

        context.Console.MarkupLineInterpolated(
            $"Replay {final.Id}: {final.Status}, {final.Replayed} replayed, {final.Skipped} already replayed before, of {final.Total}.{(final.Note is null ? string.Empty : " " + final.Note)}");
        if (final.Status == ReplayJobStatus.Running && final.Owner != runner.Owner)
        {
            context.Console.MarkupLineInterpolated($"[grey]Another process drives it ({final.Owner}).[/]");
        }

        return final.Status == ReplayJobStatus.Completed || (final.Status == ReplayJobStatus.Running && final.Owner != runner.Owner) ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static string Describe(ReplayJob job) =>
        Markup.Escape($"{job.Id} {job.Done}/{job.Total}{(job.Skipped > 0 ? $" ({job.Skipped} skipped)" : string.Empty)} {job.Status}");

    /// <summary>Asks on a terminal; refuses (exit 1) elsewhere unless <c>--yes</c> was given.</summary>
    private static bool Confirm(CliContext context, bool yes, string question)
    {
        if (yes)
        {
            return true;
        }

        if (!context.Console.Profile.Capabilities.Interactive)
        {
            context.Console.MarkupLineInterpolated($"[yellow]{question} Not confirmed: run it again with --yes (nobody can answer a question here).[/]");
            return false;
        }

        return context.Console.Confirm(Markup.Escape(question), defaultValue: false);
    }

    private static (Argument<string?> Id, Option<string?> Postcode, Option<string?> Latitude, Option<string?> Longitude) LookupSelector() => (
        new Argument<string?>("lookup-id") { Description = "The lookup id (from the API's 202 answer).", Arity = ArgumentArity.ZeroOrOne },
        new Option<string?>("--postcode") { Description = "The lookup of this postcode." },
        new Option<string?>("--latitude") { Description = "With --longitude: the lookup of this point." },
        new Option<string?>("--longitude") { Description = "With --latitude: the lookup of this point." });

    private static Argument<string> ReplayIdArgument() => new("replay-id") { Description = "The replay's id (r-…)." };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of a table." };

    private static string Time(DateTimeOffset at, bool precise = false) =>
        at.UtcDateTime.ToString(precise ? "yyyy-MM-dd HH:mm:ss.fff" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Duration(double seconds) =>
        TimeSpan.FromSeconds(seconds).ToString(seconds >= 86400 ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", CultureInfo.InvariantCulture);

    /// <summary><see cref="LookupsCommands.Guarded"/> plus the operations' own refusals, which mean "ran and found a problem".</summary>
    private static Task<int> Guarded(CliContext context, Func<Task<int>> run) => LookupsCommands.Guarded(context, async () =>
    {
        try
        {
            return await run();
        }
        catch (Exception e) when (e is ReplayJobNotFoundException or ReplayConflictException or RedriveConflictException)
        {
            context.Console.MarkupLineInterpolated($"[yellow]{e.Message}[/]");
            return ExitCodes.Failed;
        }
    });

    /// <summary>Reports on the caller's thread, in order.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
