using EventDriven.Cli;
using EventDriven.Cli.Commands;

return await CliApplication.RunAsync(CliContext.FromProcess(), args);
