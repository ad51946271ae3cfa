using System.Globalization;
using EventDriven.DistributedBench;
using EventDriven.TestSupport;

// dotnet run -c Release --project bench/DistributedBench -- [accept|e2e|replay|all|fleet [phase ...]]
var mode = args.FirstOrDefault() ?? "all";
var phases = args.Skip(1).ToList();
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // figures as 1,234.5 whatever the machine
if (mode is not ("accept" or "e2e" or "replay" or "all" or "fleet"))
{
    Console.Error.WriteLine($"unknown mode '{mode}': use accept, e2e, replay, all or fleet");
    return 2;
}

if (mode is "fleet" && phases.FirstOrDefault(p => !FleetBench.PhaseNames.Contains(p)) is { } unknown)
{
    Console.Error.WriteLine($"unknown fleet phase '{unknown}': use {string.Join(", ", FleetBench.PhaseNames)}");
    return 2;
}

Console.WriteLine($"{Environment.ProcessorCount} cores; starting RabbitMQ and DynamoDB Local ...");
await using var rabbit = await RabbitMqNode.StartAsync();
if (mode is "fleet")
{
    // Not part of "all": it takes several minutes and kills its own store and broker.
    await using var fleet = await FleetBench.StartAsync(rabbit);
    await fleet.RunAsync(phases);
    return 0;
}

await using var dynamo = await DynamoDbLocal.StartAsync();
var bench = new Benchmarks(rabbit, dynamo.ServiceUrl);
if (mode is "accept" or "all")
{
    await bench.AcceptanceAsync();
}

if (mode is "e2e" or "all")
{
    // Warm-up: DynamoDB Local's JVM and the table paths are much slower on their first few hundred requests.
    await bench.EndToEndAsync(workers: 1, lookups: 300, report: false);
    await bench.EndToEndAsync(workers: 1);
    await bench.EndToEndAsync(workers: 2);
    await bench.EndToEndAsync(workers: 1);
    await bench.EndToEndAsync(workers: 2);
}

if (mode is "replay" or "all")
{
    await bench.ReplayUnderLoadAsync();
}

return 0;
