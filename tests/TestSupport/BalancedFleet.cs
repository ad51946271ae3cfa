using System.Diagnostics;

namespace EventDriven.TestSupport;

/// <summary>
/// A fleet behind a real load balancer, as in production: API processes on fixed ports behind HAProxy (round robin,
/// health-checked on <c>/health/ready</c> like the ALB) and worker processes, all of one <see cref="DistributedSystem"/>.
/// A rolling deploy stops each with SIGTERM and starts it again, one at a time. Used by the rolling-restart spec and
/// bench/DistributedBench.
/// </summary>
public sealed class BalancedFleet : IAsyncDisposable
{
    /// <summary>Two failed checks 500 ms apart take a server out; the API stays ready-but-serving well beyond that.</summary>
    public static readonly IReadOnlyDictionary<string, string> BehindTheBalancer = new Dictionary<string, string> { ["Shutdown__DrainDelay"] = "00:00:03" };

    private static readonly TimeSpan ExitWithin = TimeSpan.FromSeconds(60);

    private readonly DistributedSystem _system;
    private readonly int[] _ports;
    private readonly List<AppProcess> _apis;
    private readonly List<AppProcess> _workers;
    private readonly HaProxy _balancer;

    private BalancedFleet(DistributedSystem system, int[] ports, List<AppProcess> apis, List<AppProcess> workers, HaProxy balancer)
    {
        (_system, _ports, _apis, _workers, _balancer) = (system, ports, apis, workers, balancer);
        Client = new HttpClient { BaseAddress = balancer.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A client of the balancer, as the public reaches the APIs.</summary>
    public HttpClient Client { get; }

    public static async Task<BalancedFleet> StartAsync(DistributedSystem system, int apis = 2, int workers = 2)
    {
        var started = (await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => system.StartConsumersAsync())).ConfigureAwait(false)).ToList();
        var ports = Enumerable.Range(0, apis).Select(_ => FreePort.Next()).ToArray();
        var apiProcesses = (await Task.WhenAll(ports.Select(p => system.StartProducersAsync(BehindTheBalancer, p))).ConfigureAwait(false)).ToList();
        var balancer = await HaProxy.StartAsync(ports).ConfigureAwait(false);
        return new BalancedFleet(system, ports, apiProcesses, started, balancer);
    }

    /// <summary>
    /// Postcodes whose lookups completed through the balancer, to ask again as cache hits (a dense area's clear
    /// failure is not one); at least half of <paramref name="count"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> PrimeCacheHitsAsync(int count, int offset)
    {
        var primed = new Dictionary<Guid, string>();
        foreach (var postcode in Lookups.Postcodes(count, offset))
        {
            primed[await Lookups.AcceptAsync(Client, postcode).ConfigureAwait(false)] = postcode;
        }

        var answered = await Lookups.WaitForAsync(Client, primed.Keys, TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        var hits = answered.Where(a => a.Value.GetProperty("status").GetString() == "Completed").Select(a => primed[a.Key]).ToList();
        Assert.True(hits.Count >= count / 2, $"only {hits.Count} of {count} lookups completed to serve as cache hits");
        return hits;
    }

    /// <summary>
    /// The rolling deploy: each API (SIGTERM, a clean exit, started again on its port, back UP in the balancer), then
    /// each worker (SIGTERM, exit, started again), one at a time; <paramref name="log"/> hears each step.
    /// </summary>
    public async Task RestartOneAtATimeAsync(Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < _apis.Count; i++)
        {
            log($"{clock.Elapsed.TotalSeconds,5:0.0} s: SIGTERM to API {i + 1}");
            await StopAsync(_apis[i], $"API {i + 1}").ConfigureAwait(false);
            Assert.Equal(0, _apis[i].ExitCode);
            _apis[i] = await _system.StartProducersAsync(BehindTheBalancer, _ports[i]).ConfigureAwait(false);
            await _balancer.WaitUntilAsync(i, "UP", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            log($"{clock.Elapsed.TotalSeconds,5:0.0} s: API {i + 1} back in the balancer");
        }

        for (var i = 0; i < _workers.Count; i++)
        {
            log($"{clock.Elapsed.TotalSeconds,5:0.0} s: SIGTERM to worker {i + 1}");
            await StopAsync(_workers[i], $"worker {i + 1}").ConfigureAwait(false);
            _workers[i] = await _system.StartConsumersAsync().ConfigureAwait(false);
            log($"{clock.Elapsed.TotalSeconds,5:0.0} s: worker {i + 1} back");
        }
    }

    /// <summary>The balancer and the client; the processes die with their <see cref="DistributedSystem"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _balancer.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task StopAsync(AppProcess process, string name)
    {
        process.Terminate();
        Assert.True(await process.WaitForExitAsync(ExitWithin).ConfigureAwait(false), $"{name} did not exit");
    }
}
