using EventDriven.SagaStoreBench;

return await BenchCommand.Create().Parse(args).InvokeAsync();
