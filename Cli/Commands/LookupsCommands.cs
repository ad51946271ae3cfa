using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Persistence;
using EventDriven.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventDriven.Cli.Commands;

/// <summary>
/// <c>lookups show ID | --postcode PC | --latitude LAT --longitude LNG</c> and <c>lookups list --state S</c>:
/// saga inspection straight from the saga store, as readable tables or <c>--json</c> for scripts.
/// </summary>
public static class LookupsCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var lookups = new Command("lookups", "Inspect lookups (saga instances): by id, postcode or coordinates, or list by state.");
        lookups.Add(ShowCommand(context));
        lookups.Add(ListCommand(context));
        foreach (var command in OperationsCommands.LookupCommands(context))
        {
            lookups.Add(command);
        }

        return lookups;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of a table." };

    private static Command ShowCommand(CliContext context)
    {
        var id = new Argument<string?>("lookup-id") { Description = "The lookup id (from the API's 202 answer).", Arity = ArgumentArity.ZeroOrOne };
        var postcode = new Option<string?>("--postcode") { Description = "Find the lookup of this postcode." };
        var latitude = new Option<string?>("--latitude") { Description = "With --longitude: find the lookup of this point." };
        var longitude = new Option<string?>("--longitude") { Description = "With --latitude: find the lookup of this point." };
        var json = JsonOption();
        var command = new Command("show", "Show one lookup with everything the saga knows.") { id, postcode, latitude, longitude, json };
        command.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            var lookupId = ResolveId(parse.GetValue(id), parse.GetValue(postcode), parse.GetValue(latitude), parse.GetValue(longitude));
            await using var services = OperatorServices.ForLookups(context);
            var state = await services.GetRequiredService<ILookupStateReader>().GetAsync(lookupId, cancellationToken);
            if (state is null || !state.IsStarted)
            {
                context.Console.MarkupLineInterpolated($"[yellow]No lookup has the id {lookupId}.[/]");
                return ExitCodes.Failed;
            }

            if (parse.GetValue(json))
            {
                context.Console.WriteLine(JsonSerializer.Serialize(state, Json));
            }
            else
            {
                context.Console.Write(Details(state));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ListCommand(CliContext context)
    {
        var state = new Option<string>("--state") { Description = $"One of {string.Join(", ", LookupStatus.All)}.", Required = true };
        var limit = new Option<int>("--limit") { Description = "Page size (1-1000).", DefaultValueFactory = _ => 50 };
        var pageToken = new Option<string?>("--page-token") { Description = "The next-page token printed by the previous page." };
        var json = JsonOption();
        var command = new Command("list", "List lookups in a state, most recently updated first.") { state, limit, pageToken, json };
        command.SetAction((parse, cancellationToken) => Guarded(context, async () =>
        {
            var name = LookupStatus.All.FirstOrDefault(s => string.Equals(s, parse.GetValue(state), StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"--state must be one of {string.Join(", ", LookupStatus.All)} (was '{parse.GetValue(state)}').");
            if (parse.GetValue(limit) is < 1 or > 1000)
            {
                throw new ArgumentException("--limit must be between 1 and 1000.");
            }

            await using var services = OperatorServices.ForLookups(context);
            var page = await services.GetRequiredService<ILookupStateReader>()
                .ListByStateAsync(name, parse.GetValue(limit), parse.GetValue(pageToken), cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                context.Console.WriteLine(JsonSerializer.Serialize(new { items = page.Items, nextPageToken = page.NextPageToken }, Json));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Lookup id", "Key", "Updated (UTC)", "Attempts", "Requests", "Crimes", "Reason");
            foreach (var item in page.Items)
            {
                table.AddRow(
                    Markup.Escape(item.LookupId.ToString()),
                    Markup.Escape(item.LookupKey),
                    item.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    item.Attempts.ToString(CultureInfo.InvariantCulture),
                    item.RequestCount.ToString(CultureInfo.InvariantCulture),
                    item.TotalCrimes?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    Markup.Escape(item.Reason ?? string.Empty));
            }

            context.Console.Write(table);
            context.Console.MarkupLineInterpolated($"{page.Items.Count} lookup(s) in state {name}.");
            if (page.NextPageToken is not null)
            {
                context.Console.MarkupLineInterpolated($"Next page: --page-token {page.NextPageToken}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    internal static Guid ResolveId(string? id, string? postcode, string? latitude, string? longitude)
    {
        var given = (id is not null ? 1 : 0) + (postcode is not null ? 1 : 0) + (latitude is not null || longitude is not null ? 1 : 0);
        if (given != 1)
        {
            throw new ArgumentException("Give exactly one of: a lookup id, --postcode, or --latitude with --longitude.");
        }

        if (id is not null)
        {
            return Guid.TryParse(id, out var parsed) ? parsed : throw new ArgumentException($"'{id}' is not a lookup id (a GUID).");
        }

        if (postcode is not null)
        {
            return Postcode.TryParse(postcode, out var pc, out var error) ? LookupKey.For(pc).CorrelationId : throw new ArgumentException(error);
        }

        return Coordinates.TryParse(latitude, longitude, out var point, out var problem)
            ? LookupKey.For(point).CorrelationId
            : throw new ArgumentException(problem);
    }

    private static Table Details(LookupSnapshot s)
    {
        var table = new Table().AddColumns("Field", "Value").HideHeaders();
        void Row(string name, object? value) => table.AddRow(name, Markup.Escape(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "-"));
        Row("Lookup id", s.LookupId);
        Row("Status", s.Status);
        Row("Key", s.LookupKey);
        Row("Postcode", s.Postcode);
        Row("Point", s.Latitude is null ? null : string.Create(CultureInfo.InvariantCulture, $"{s.Latitude}, {s.Longitude}"));
        Row("Country", s.Country);
        Row("Force area", s.PoliceForceArea);
        Row("Month", s.Month);
        Row("Months stored", s.Months is { Count: > 0 } months ? string.Join(", ", months) : null);
        Row("Police data of", s.PoliceLastUpdated);
        Row("Months pending", s.PendingMonths is { Count: > 0 } pending ? string.Join(", ", pending) : null);
        Row("Crimes", s.TotalCrimes);
        Row("Data source", s.DataSource);
        Row("Reason", s.Reason);
        Row("Attempts", s.Attempts);
        Row("Requests", s.RequestCount);
        Row("Version", s.Version);
        Row("Created", s.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
        Row("Updated", s.UpdatedAt.ToString("u", CultureInfo.InvariantCulture));
        Row("Completed", s.CompletedAt?.ToString("u", CultureInfo.InvariantCulture));
        return table;
    }

    /// <summary>Turns the expected failures into a message and an exit code, never a stack trace.</summary>
    internal static async Task<int> Guarded(CliContext context, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception e) when (e is ArgumentException or OperatorCannotRunException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            context.Console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return ExitCodes.CannotRun;
        }
        catch (Exception e) when (e is StoreUnavailableException or Hosting.DeadLetters.DeadLettersUnavailableException)
        {
            context.Console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return ExitCodes.CannotRun;
        }
    }
}
