using System.Diagnostics;
using System.Globalization;
using EventDriven.TestSupport;

namespace EventDriven.DistributedBench;

/// <summary>
/// The fleet scenario (README, "Benchmarks"): the fleet behaviours of tests/Distributed.Tests measured in one run, with
/// the same building blocks (<see cref="DistributedSystem"/>, <see cref="PhaseClock"/>, <see cref="BalancedFleet"/>,
/// <see cref="RollingTraffic"/>). Each phase starts its own processes on a private RabbitMQ node and a file-backed
/// DynamoDB Local (so a store outage keeps its data), all on 127.0.0.1, against the simulator enforcing data.police.uk's
/// 15 req/s burst 30; each prints a line of figures, a failed phase says so and the next one runs; a summary table ends it.
/// </summary>
public sealed class FleetBench : IAsyncDisposable
{
    private const int StartUpRounds = 3;
    private const int Backlog = 400;
    private const int InFlight = 60;
    private const int EmbeddedLookups = 30;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    private readonly RabbitMqNode _rabbit;
    private readonly string _dataDirectory;
    private readonly List<(string Phase, string Figures)> _summary = [];
    private DynamoDbLocal _store;

    private FleetBench(RabbitMqNode rabbit, string dataDirectory, DynamoDbLocal store) =>
        (_rabbit, _dataDirectory, _store) = (rabbit, dataDirectory, store);

    public static async Task<FleetBench> StartAsync(RabbitMqNode rabbit)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("fleet-bench-dynamodb-").FullName;
        return new FleetBench(rabbit, dataDirectory, await DynamoDbLocal.StartAsync(dataDirectory: dataDirectory));
    }

    /// <summary>The phases by the names the command line takes (<c>fleet rolling-restart</c> runs that one alone).</summary>
    public static readonly IReadOnlyList<string> PhaseNames = ["start-up", "scale", "store-outage", "broker-outage", "rolling-restart", "embedded-kill"];

    /// <param name="only">The phases to run (<see cref="PhaseNames"/>); none: all of them.</param>
    public async Task RunAsync(IReadOnlyCollection<string> only)
    {
        bool Runs(string name) => only.Count == 0 || only.Contains(name);
        Console.WriteLine($"fleet: load average at the start {LoadAverage()}");
        if (Runs("start-up"))
        {
            await PhaseAsync("start-up", StartUpAsync);
        }

        if (Runs("scale"))
        {
            await PhaseAsync("scale", ScaleAsync);
        }

        if (Runs("store-outage"))
        {
            await PhaseAsync("store outage", () => OutageAsync("store", offset: 32000, StopStoreAsync, StartStoreAsync));
        }

        if (Runs("broker-outage"))
        {
            await PhaseAsync("broker outage", () => OutageAsync("broker", offset: 32500, _rabbit.KillAsync, () => _rabbit.StartAgainAsync()));
        }

        if (Runs("rolling-restart"))
        {
            await PhaseAsync("rolling restart", RollingRestartAsync);
        }

        if (Runs("embedded-kill"))
        {
            await PhaseAsync("embedded kill -9", EmbeddedKillAsync);
        }

        Console.WriteLine();
        Console.WriteLine("| phase | figures |");
        Console.WriteLine("| --- | --- |");
        foreach (var (phase, figures) in _summary)
        {
            Console.WriteLine($"| {phase} | {figures} |");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>2 APIs + 2 workers started at the same instant on an empty store and broker (a fresh virtual host and tables).</summary>
    private async Task StartUpAsync()
    {
        await using var system = await DistributedSystem.StartAsync(_rabbit, _store.ServiceUrl);
        var postcodes = Lookups.Postcodes(StartUpRounds * 2, offset: 30000);
        for (var round = 0; round < StartUpRounds; round++)
        {
            var virtualHost = $"fleet-bench-{round}";
            await _rabbit.AddVirtualHostAsync(virtualHost);
            var fresh = new Dictionary<string, string>
            {
                ["Bus__RabbitMq__VirtualHost"] = virtualHost,
                ["Persistence__DynamoDb__TablePrefix"] = DynamoDbLocalFixture.NewTablePrefix(),
            };
            var clock = Stopwatch.StartNew();
            var processes = await Task.WhenAll(
                system.StartProducersAsync(fresh), system.StartProducersAsync(fresh),
                system.StartConsumersAsync(fresh), system.StartConsumersAsync(fresh));
            var ready = clock.Elapsed;
            var lookups = new[]
            {
                await Lookups.AcceptAsync(processes[0].Http, postcodes[round * 2]),
                await Lookups.AcceptAsync(processes[1].Http, postcodes[(round * 2) + 1]),
            };
            await Lookups.WaitForAsync(processes[0].Http, lookups, TimeSpan.FromSeconds(120));
            Report($"start-up, round {round + 1}",
                $"2 APIs + 2 workers started together on an empty store and broker: all ready after {ready.TotalSeconds:0.0} s; a lookup through each API terminal after {clock.Elapsed.TotalSeconds:0.0} s");
            foreach (var process in processes)
            {
                await system.KillAsync(process);
            }
        }
    }

    /// <summary>
    /// A backlog of distinct lookups, 1 worker, a 2nd and a 3rd joining, then one stopped with SIGTERM; phases end on
    /// police requests served, as in the workers' join-and-leave spec. Each lookup counts in the phase it became terminal in.
    /// </summary>
    private async Task ScaleAsync()
    {
        await using var system = await DistributedSystem.StartAsync(_rabbit, _store.ServiceUrl);
        var api = (await system.StartProducersAsync()).Http;
        var acceptedAt = await Lookups.AcceptAllAsync(api, Lookups.Postcodes(Backlog, offset: 31000));
        var watch = TerminalWatch.StartClosed(api, acceptedAt.Keys);
        var run = await PhaseClock.RunWorkersJoiningAndLeavingAsync(system, () => watch.Completion);
        var done = run.Result;

        for (var i = 0; i < run.Phases.Count; i++)
        {
            var phase = run.Phases[i];
            // The first phase also takes the lookups finished before the first police request, the last those after its last.
            var from = i == 0 ? DateTime.MinValue : phase.StartedAt;
            var to = i == run.Phases.Count - 1 ? DateTime.MaxValue : phase.EndedAt;
            var finished = done.Where(d => d.Value.At >= from && d.Value.At < to).ToList();
            var times = new Latencies([.. finished.Select(d => (d.Value.At - acceptedAt[d.Key]).TotalMilliseconds)]);
            Report($"scale: {phase.Name}",
                $"{phase.PoliceRequests} police requests in {phase.Elapsed.TotalSeconds:0.0} s = {phase.Rate:0.00} req/s, {phase.Throttled} x 429; " +
                $"{finished.Count} lookups terminal, 202 to terminal p95 {times.P95 / 1000:0.0} s, max {times.Max / 1000:0.0} s");
        }

        var stats = await system.StatsAsync();
        var all = new Latencies([.. done.Select(d => (d.Value.At - acceptedAt[d.Key]).TotalMilliseconds)]);
        Report("scale: whole run",
            $"{Backlog} distinct lookups: {done.Count} terminal ({done.Values.Count(d => d.Status == "Completed")} Completed); {stats.Throttled} x 429; " +
            $"sustained {stats.SustainedPoliceRate:0.00} req/s; 202 to terminal p95 {all.P95 / 1000:0.0} s, max {all.Max / 1000:0.0} s; " +
            $"SIGTERMed worker exited {(run.StoppedExited ? $"with code {run.StoppedExitCode}" : "NOT within 60 s")}");
    }

    /// <summary>The store or the broker killed for 30 s with lookups in flight over two workers, as in the outage specs.</summary>
    private async Task OutageAsync(string what, int offset, Func<Task> stop, Func<Task> start)
    {
        await using var system = await DistributedSystem.StartAsync(_rabbit, _store.ServiceUrl);
        var inFlight = await system.StartLookupsInFlightAsync(InFlight, offset, upstreamLatency: TimeSpan.FromSeconds(2));
        var watch = TerminalWatch.StartClosed(inFlight.Api, inFlight.Accepted);
        await stop();
        await Task.Delay(Outage);
        await start();
        var backAt = DateTime.UtcNow;
        var done = await watch.Completion;

        var lastAt = done.Values.Select(d => d.At).DefaultIfEmpty(backAt).Max();
        var recovery = lastAt > backAt ? lastAt - backAt : TimeSpan.Zero;
        var deadLetters = await system.DeadLettersAsync() - inFlight.DeadLettersBefore;
        var times = new Latencies([.. done.Select(d => (d.Value.At - inFlight.AcceptedAt[d.Key]).TotalMilliseconds)]);
        Report($"{what} outage",
            $"{what} killed for {Outage.TotalSeconds:0} s with {inFlight.Unfinished} of {InFlight} lookups in flight: " +
            $"{done.Count} terminal ({done.Values.Count(d => d.Status == "Completed")} Completed), the last {recovery.TotalSeconds:0.0} s after it returned; " +
            $"dead letters created: {deadLetters}; 202 to terminal max {times.Max / 1000:0.0} s");
    }

    private async Task StopStoreAsync() => await _store.StopAsync();

    private async Task StartStoreAsync()
    {
        var port = _store.Port;
        await _store.DisposeAsync();
        _store = await DynamoDbLocal.StartAsync(port: port, dataDirectory: _dataDirectory);
    }

    /// <summary>Two APIs behind HAProxy and two workers restarted one at a time under a client at 22 req/s, as in the spec.</summary>
    private async Task RollingRestartAsync()
    {
        await using var system = await DistributedSystem.StartAsync(_rabbit, _store.ServiceUrl);
        await using var fleet = await BalancedFleet.StartAsync(system);
        var hits = await fleet.PrimeCacheHitsAsync(20, offset: 33000);

        var watch = TerminalWatch.Start(fleet.Client);
        await using var traffic = RollingTraffic.Start(fleet.Client, hits, Lookups.Postcodes(5000, offset: 33100), watch.Add);
        await fleet.RestartOneAtATimeAsync(line => Console.WriteLine("  " + line));
        var result = await traffic.StopAsync();
        watch.Close();
        var done = await watch.Completion;

        var times = new Latencies([.. done.Select(d => (d.Value.At - result.AcceptedAt[d.Key]).TotalMilliseconds)]);
        foreach (var failure in result.Failures.Take(5))
        {
            Console.WriteLine("  client error: " + failure);
        }

        Report("rolling restart",
            $"client {result.Requests} requests in {result.Elapsed.TotalSeconds:0.0} s = {result.Rate:0.0} req/s ({result.Hits} hits 200, {result.AcceptedAt.Count} misses 202); " +
            $"client errors: {result.Failures.Count} ({result.AskedAgainAfter503} asked again after the API's own 503 with Retry-After); " +
            $"accepted lookups terminal: {done.Count} of {result.AcceptedAt.Count}; 202 to terminal p95 {times.P95 / 1000:0.0} s, max {times.Max / 1000:0.0} s");
    }

    /// <summary>Embedded mode on DynamoDB killed with kill -9 with lookups in flight and started again, as in the spec.</summary>
    private async Task EmbeddedKillAsync()
    {
        await using var system = await DistributedSystem.StartAsync(_rabbit, _store.ServiceUrl);
        await system.SetFaultsAsync("Both", latency: TimeSpan.FromSeconds(1));
        var first = await system.StartProducersAsync(DistributedSystem.EmbeddedOnDynamoDb);
        var accepted = new List<Guid>();
        foreach (var postcode in Lookups.Postcodes(EmbeddedLookups, offset: 34000))
        {
            accepted.Add(await Lookups.AcceptAsync(first.Http, postcode));
        }

        var states = await Task.WhenAll(accepted.Select(id => Lookups.StatusAsync(first.Http, id)));
        var unfinished = states.Count(s => !Lookups.IsTerminal(s.GetProperty("status").GetString()));
        await system.KillAsync(first);
        await system.SetFaultsAsync("Both");

        var clock = Stopwatch.StartNew();
        var second = await system.StartProducersAsync(DistributedSystem.EmbeddedOnDynamoDb);
        var ready = clock.Elapsed;
        var done = await TerminalWatch.StartClosed(second.Http, accepted).Completion;
        var restartedAt = DateTime.UtcNow - clock.Elapsed;
        var lastAt = done.Values.Select(d => d.At).DefaultIfEmpty(restartedAt).Max();
        Report("embedded kill -9",
            $"kill -9 with {unfinished} of {EmbeddedLookups} lookups in flight: ready again after {ready.TotalSeconds:0.0} s; " +
            $"{done.Count} terminal ({done.Values.Count(d => d.Status == "Completed")} Completed), the last {(lastAt - restartedAt).TotalSeconds:0.0} s after the restart began");
    }

    private async Task PhaseAsync(string name, Func<Task> run)
    {
        var load = LoadAverage();
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"fleet: {name} ...");
        try
        {
            await run();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A benchmark measures what it can: one phase failing (a timeout on a starved machine) still leaves the others' figures.
            var reason = e.Message.Split('\n')[0];
            Report(name, $"FAILED: {e.GetType().Name}: {reason}");
        }

        Console.WriteLine($"  ({name}: {clock.Elapsed.TotalSeconds:0} s; load average before {load}, after {LoadAverage()})");
    }

    private void Report(string phase, string figures)
    {
        Console.WriteLine($"{phase}: {figures}");
        _summary.Add((phase, figures));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
