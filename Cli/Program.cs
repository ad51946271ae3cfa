using EventDriven.Cli;

return await CliApplication.Create(CliContext.FromProcess()).Parse(args).InvokeAsync();
