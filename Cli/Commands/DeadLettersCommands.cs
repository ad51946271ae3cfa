using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EventDriven.Hosting.DeadLetters;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventDriven.Cli.Commands;

/// <summary>
/// <c>dead-letters list [--queue Q]</c> and <c>dead-letters replay [--queue Q] [--message-id ID] [--dry-run]</c>, straight
/// against the broker (Bus__RabbitMq__* settings), with a progress bar for long replays.
/// </summary>
public static class DeadLettersCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var group = new Command("dead-letters", "Messages that failed after their retries (<queue>_error): list, group, replay, purge.");
        group.Add(ListCommand(context));
        foreach (var command in OperationsCommands.DeadLetterCommands(context))
        {
            group.Add(command);
        }

        return group;
    }

    private static Command ListCommand(CliContext context)
    {
        var queue = new Option<string?>("--queue") { Description = "Only this queue's dead letters (e.g. fetch-crimes)." };
        var max = new Option<int>("--max") { Description = "At most this many entries per queue (1-1000).", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var command = new Command("list", "Count and show dead letters per queue (reading leaves them in place).") { queue, max, json };
        command.SetAction((parse, cancellationToken) => LookupsCommands.Guarded(context, async () =>
        {
            if (parse.GetValue(max) is < 1 or > 1000)
            {
                throw new ArgumentException("--max must be between 1 and 1000.");
            }

            await using var services = OperatorServices.ForDeadLetters(context);
            var listing = await services.GetRequiredService<IDeadLetterService>().ListAsync(parse.GetValue(queue), parse.GetValue(max), cancellationToken);
            if (parse.GetValue(json))
            {
                context.Console.WriteLine(JsonSerializer.Serialize(listing, Json));
                return ExitCodes.Success;
            }

            var counts = new Table().AddColumns("Queue", "Error queue", "Messages");
            foreach (var q in listing.Queues)
            {
                counts.AddRow(q.Queue, q.ErrorQueue, q.Count.ToString(CultureInfo.InvariantCulture));
            }

            context.Console.Write(counts);
            if (listing.Entries.Count > 0)
            {
                var entries = new Table().AddColumns("Queue", "Message id", "Type", "Correlation id", "Faulted (UTC)", "Reason");
                foreach (var e in listing.Entries)
                {
                    entries.AddRow(
                        Markup.Escape(e.Queue),
                        Markup.Escape(e.MessageId ?? "-"),
                        Markup.Escape(e.MessageType ?? "-"),
                        Markup.Escape(e.CorrelationId?.ToString() ?? "-"),
                        e.FaultedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",
                        Markup.Escape(e.FaultReason ?? "-"));
                }

                context.Console.Write(entries);
            }

            context.Console.MarkupLineInterpolated($"{listing.Total} dead letter(s).");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary><c>dead-letters replay --dry-run</c>: counts what a replay would take, per queue, moving nothing.</summary>
    internal static async Task<int> DryRunAsync(CliContext context, string? queue, string? messageId, CancellationToken cancellationToken)
    {
        await using var services = OperatorServices.ForDeadLetters(context);
        var service = services.GetRequiredService<IDeadLetterService>();
        var result = await service.ReplayAsync(new DeadLetterReplayRequest(queue, messageId, DryRun: true), cancellationToken: cancellationToken);
        foreach (var q in result.Queues)
        {
            context.Console.MarkupLineInterpolated($"{q.Queue}: {q.Replayed} would be replayed");
        }

        context.Console.MarkupLineInterpolated($"Dry run: {result.Replayed} message(s) in all.");
        return ExitCodes.Success;
    }
}
