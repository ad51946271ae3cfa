using System.CommandLine;
using EventDriven.Cli.Commands;

namespace EventDriven.Cli;

/// <summary>The command tree. Each group (functions, later lookups, dead-letters, ...) is one class in Commands/.</summary>
public static class CliApplication
{
    public static RootCommand Create(CliContext context)
    {
        var root = new RootCommand("EventDriven operator CLI. Configuration comes from environment variables (e.g. Persistence__Provider).");
        root.Add(FunctionsCommands.Create(context));
        root.Add(LookupsCommands.Create(context));
        root.Add(DeadLettersCommands.Create(context));
        return root;
    }
}
