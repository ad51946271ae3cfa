using EventDriven.Cli;

return await CliApplication.RunAsync(CliContext.FromProcess(), args);
