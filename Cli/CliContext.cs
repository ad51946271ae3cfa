using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventDriven.Cli;

/// <summary>
/// What every command needs: the console to write to, the configuration (environment variables, DESIGN §7 names) and
/// a hook for extra service registrations (tests put fakes there; the real CLI leaves it empty).
/// </summary>
public sealed record CliContext(IAnsiConsole Console, IConfiguration Configuration, Action<IServiceCollection>? ConfigureServices = null)
{
    public static CliContext FromProcess() =>
        new(AnsiConsole.Console, new ConfigurationBuilder().AddEnvironmentVariables().Build());
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
