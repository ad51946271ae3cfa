using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventDriven.Cli;

/// <summary>
/// What every command needs: the console to write to, the configuration (environment variables, the names of docs/architecture.md, "Configuration") and
/// a hook for extra service registrations (tests put fakes there; the real CLI leaves it empty).
/// </summary>
public sealed record CliContext(IAnsiConsole Console, IConfiguration Configuration, Action<IServiceCollection>? ConfigureServices = null)
{
    /// <summary>
    /// The width given to a console whose output is not a terminal: wider than any line the CLI prints, so nothing wraps;
    /// finite, so that a widget that fills the width (a rule, an expanded table) is a long line, not int.MaxValue cells.
    /// </summary>
    public const int UnwrappedWidth = short.MaxValue;

    public static CliContext FromProcess() =>
        new(CreateConsole(new AnsiConsoleOutput(System.Console.Out)), new ConfigurationBuilder().AddEnvironmentVariables().Build());

    /// <summary>
    /// Spectre's console on <paramref name="output"/>, as <c>AnsiConsole.Console</c> would make it, except when the output is
    /// not a terminal (piped, redirected to a file, CI): Spectre then assumes 80 columns and wraps table cells mid-word
    /// ("SnapshotSchedul" / "e"), and long lines (JSON, page tokens) mid-value, which breaks grep and copy-paste. There is no
    /// screen to fit, so such output gets <see cref="UnwrappedWidth"/> and every cell stays on one line. On a terminal Spectre
    /// keeps fitting the window.
    /// </summary>
    public static IAnsiConsole CreateConsole(IAnsiConsoleOutput output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Out = output,
        });
        if (!output.IsTerminal)
        {
            console.Profile.Width = UnwrappedWidth;
        }

        return console;
    }
}

/// <summary>Exit codes of every command.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and reported failures (e.g. a volume could not be snapshotted).</summary>
    public const int Failed = 1;

    /// <summary>The command could not run: a command line that does not parse, bad configuration, unreachable service, missing credentials.</summary>
    public const int CannotRun = 2;
}
