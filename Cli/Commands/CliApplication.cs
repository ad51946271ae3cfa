using System.CommandLine;
using System.CommandLine.Invocation;

namespace EventDriven.Cli.Commands;

/// <summary>The command tree. Each group (functions, later lookups, dead-letters, ...) is one class in Commands/.</summary>
public static class CliApplication
{
    public static RootCommand Create(CliContext context)
    {
        var root = new RootCommand("EventDriven operator CLI. Configuration comes from environment variables (e.g. Persistence__Provider).");
        root.Add(FunctionsCommands.Create(context));
        root.Add(LookupsCommands.Create(context));
        root.Add(DeadLettersCommands.Create(context));
        root.Add(OperationsCommands.AuditCommand(context));
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>: what <c>eventdriven</c> does. A command line that does not parse (unknown
    /// command or option, missing required option, a value of the wrong type) exits <see cref="ExitCodes.CannotRun"/>, not
    /// System.CommandLine's 1, which the CLI reserves for "ran and found a problem"; the error text still goes to stderr.
    /// </summary>
    public static async Task<int> RunAsync(CliContext context, string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        var parse = Create(context).Parse(args);
        var exitCode = await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        // ParseErrorAction is what System.CommandLine runs instead of the command when the line has errors (it prints them
        // and the help, then returns 1). --help clears the errors and runs the help action instead, so it keeps exiting 0.
        return parse.Action is ParseErrorAction ? ExitCodes.CannotRun : exitCode;
    }
}
