using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventDriven.TestSupport;

/// <summary>
/// The distributed mode of one test (or bench/DistributedBench run): a standalone simulator process, and as many Producers and Consumers processes as
/// the test starts, all sharing the class's RabbitMQ node and fresh DynamoDB tables. Every process dies in Dispose.
/// </summary>
public sealed class DistributedSystem : IAsyncDisposable
{
    private readonly List<AppProcess> _processes = [];

    private DistributedSystem(RabbitMqNode rabbit, string dynamoUrl, AppProcess simulator)
    {
        Rabbit = rabbit;
        DynamoUrl = dynamoUrl;
        Simulator = simulator;
        TablePrefix = DynamoDbLocalFixture.NewTablePrefix();
    }

    /// <summary>
    /// Lookups with no progress for 5 s are re-requested by the workers' sweep (production: 5 min, swept every minute),
    /// so a command lost in a crash or broker restart is re-sent within the test's time.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> QuickStuckRecovery = new Dictionary<string, string>
    {
        ["Lookups__StuckAfter"] = "00:00:05",
        ["Workers__StuckSweepInterval"] = "00:00:01",
    };

    /// <summary>
    /// Embedded mode on this system's store: API, saga and workers in one Producers process with the bus in memory,
    /// the saga on DynamoDB (<c>Persistence__Provider=DynamoDb</c>); no scheduled functions.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> EmbeddedOnDynamoDb = new Dictionary<string, string>
    {
        ["Bus__Transport"] = "InMemory",
        ["Functions__Enabled"] = "false",
    };

    public RabbitMqNode Rabbit { get; }
    public string DynamoUrl { get; }
    public AppProcess Simulator { get; }
    public string TablePrefix { get; }

    /// <summary>Starts the simulator (police rate limit enforced unless <paramref name="simulator"/> says otherwise).</summary>
    public static Task<DistributedSystem> StartAsync(RabbitMqNode rabbit, DynamoDbLocalFixture dynamo, IReadOnlyDictionary<string, string>? simulator = null) =>
        StartAsync(rabbit, dynamo.ServiceUrl, simulator);

    /// <summary>The same on a DynamoDB Local of the test's own (e.g. one it stops and starts again).</summary>
    public static async Task<DistributedSystem> StartAsync(RabbitMqNode rabbit, string dynamoUrl, IReadOnlyDictionary<string, string>? simulator = null)
    {
        var process = await AppProcess.StartAsync(AppProcess.Simulator, simulator ?? new Dictionary<string, string>(), "/_simulator/stats").ConfigureAwait(false);
        return new DistributedSystem(rabbit, dynamoUrl, process);
    }

    /// <summary>The environment (docs/architecture.md, "Configuration") shared by Producers and Consumers, plus <paramref name="extra"/>.</summary>
    public Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>(Rabbit.BusEnvironment)
        {
            ["Persistence__Provider"] = "DynamoDb",
            ["Persistence__DynamoDb__ServiceUrl"] = DynamoUrl,
            ["Persistence__DynamoDb__TablePrefix"] = TablePrefix,
            ["Upstreams__PostcodesIo__BaseUrl"] = Simulator.BaseAddress.ToString(),
            ["Upstreams__PoliceApi__BaseUrl"] = new Uri(Simulator.BaseAddress, "api/").ToString(),
            // The tests are one client sending bursts; the per-client limit is not what they test.
            ["RateLimiting__PermitsPerSecond"] = "100000",
            ["RateLimiting__Burst"] = "100000",
            ["RateLimiting__LookupsInFlight"] = "100000",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>A Consumers process, returned once its bus endpoints and stores are ready.</summary>
    public Task<AppProcess> StartConsumersAsync(IReadOnlyDictionary<string, string>? extra = null) => StartAsync(AppProcess.Consumers, extra);

    public Task<AppProcess> StartProducersAsync(IReadOnlyDictionary<string, string>? extra = null, int? port = null) =>
        StartAsync(AppProcess.Producers, extra, port);

    /// <summary>
    /// Lookups in flight for an outage to hit: both upstreams slowed by <paramref name="upstreamLatency"/>, one API
    /// accepts <paramref name="count"/> lookups while no worker runs, then <paramref name="workers"/> workers start, and
    /// this returns once the first five lookups have left Geocoding: every lookup is then queued, geocoding, fetching or
    /// saving. Used by the outage specs and bench/DistributedBench.
    /// </summary>
    public async Task<LookupsInFlight> StartLookupsInFlightAsync(int count, int offset, TimeSpan upstreamLatency, int workers = 2)
    {
        await SetFaultsAsync("Both", latency: upstreamLatency).ConfigureAwait(false);
        var api = (await StartProducersAsync().ConfigureAwait(false)).Http;
        var deadLetters = await DeadLettersAsync().ConfigureAwait(false);
        var accepted = await Lookups.AcceptAllAsync(api, Lookups.Postcodes(count, offset)).ConfigureAwait(false);
        var ids = accepted.Keys.ToList();

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => StartConsumersAsync())).ConfigureAwait(false);
        await Lookups.WaitForAsync(api, ids, TimeSpan.FromSeconds(120), until: s => s is not "Geocoding", atLeast: 5).ConfigureAwait(false);
        var states = await Task.WhenAll(ids.Select(id => Lookups.StatusAsync(api, id))).ConfigureAwait(false);
        var unfinished = states.Count(s => !Lookups.IsTerminal(s.GetProperty("status").GetString()));
        return new LookupsInFlight(api, ids, accepted, deadLetters, unfinished);
    }

    /// <summary>What every process of this system has written so far, for a failing test's output.</summary>
    public string Outputs()
    {
        lock (_processes)
        {
            return string.Join("\n", _processes.Select(p => $"===== {p.Name} (pid {p.Id}) =====\n{p.Output}"));
        }
    }

    /// <summary>Kills one of this system's processes now (SIGKILL) and forgets it.</summary>
    public async Task KillAsync(AppProcess process)
    {
        lock (_processes)
        {
            _processes.Remove(process);
        }

        await process.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Messages waiting in the dead-letter queues (<c>{queue}_error</c>) of every endpoint.</summary>
    public async Task<long> DeadLettersAsync()
    {
        long total = 0;
        foreach (var queue in Contracts.QueueNames.All)
        {
            total += (await Rabbit.QueueDepthAsync(Contracts.QueueNames.ErrorQueueOf(queue)).ConfigureAwait(false)).Messages;
        }

        return total;
    }

    /// <summary>The dead letters, one line each (queue, message type, fault), as an operator lists them.</summary>
    public async Task<string> DescribeDeadLettersAsync()
    {
        var service = new Hosting.DeadLetters.RabbitMqDeadLetterService(
            new Hosting.Bus.RabbitMqOptions { Host = Rabbit.Host, Port = Rabbit.Port });
        var listing = await service.ListAsync(maxPerQueue: 20).ConfigureAwait(false);
        return string.Join("\n", listing.Entries.Select(e => $"{e.Queue}: {e.MessageType} {e.CorrelationId} at {e.FaultedAt:HH:mm:ss.fff}: {e.FaultExceptionType}: {e.FaultReason}"));
    }

    public async Task SetFaultsAsync(string target, bool outage = false, TimeSpan? latency = null, double errorRate = 0)
    {
        var settings = new { latency = (latency ?? TimeSpan.Zero).ToString("c", CultureInfo.InvariantCulture), errorRate, outage, target };
        using var response = await Simulator.Http.PostAsJsonAsync(new Uri("/_simulator/faults", UriKind.Relative), settings).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async Task<SimulatorCounts> StatsAsync()
    {
        var stats = await Simulator.GetJsonAsync<JsonElement>("/_simulator/stats").ConfigureAwait(false);
        return new SimulatorCounts(
            stats.GetProperty("geocodeRequests").GetInt64(),
            stats.GetProperty("crimesRequests").GetInt64(),
            stats.GetProperty("throttled").GetInt64(),
            stats.GetProperty("sustainedPoliceRate").GetDouble(),
            stats.GetProperty("crimesHeld").GetInt64(),
            stats.GetProperty("policeHeld").GetInt64());
    }

    public async ValueTask DisposeAsync()
    {
        List<AppProcess> processes;
        lock (_processes)
        {
            processes = Enumerable.Reverse(_processes).ToList();
        }

        foreach (var process in processes)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }

        await Simulator.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<AppProcess> StartAsync(string project, IReadOnlyDictionary<string, string>? extra, int? port = null)
    {
        var process = await AppProcess.StartAsync(project, Environment(extra), port: port).ConfigureAwait(false);
        lock (_processes)
        {
            _processes.Add(process); // tests start several at once
        }

        return process;
    }
}

/// <param name="AcceptedAt">When each lookup's 202 reached the client (UTC).</param>
/// <param name="DeadLettersBefore">Dead letters waiting before the lookups were sent (<see cref="DistributedSystem.DeadLettersAsync"/>).</param>
/// <param name="Unfinished">Lookups not yet terminal when the workers had started on them.</param>
public sealed record LookupsInFlight(HttpClient Api, IReadOnlyList<Guid> Accepted, IReadOnlyDictionary<Guid, DateTime> AcceptedAt, long DeadLettersBefore, int Unfinished);

/// <param name="CrimesHeld">Crimes requests the simulator is holding (its injected latency) right now.</param>
/// <param name="PoliceHeld">Police requests of any kind it is holding right now.</param>
public sealed record SimulatorCounts(long GeocodeRequests, long CrimesRequests, long Throttled, double SustainedPoliceRate, long CrimesHeld, long PoliceHeld);

/// <summary>Talking to the public API the way a client does.</summary>
public static class Lookups
{
    private static readonly string[] Areas = ["B", "M", "L", "S", "LS", "NG", "LE", "CV", "BS", "OX", "CB", "NR"];
    private const string InwardLetters = "ABDEFGHJLNPQRSTUWXY";

    /// <summary>Distinct, valid, English postcodes; <paramref name="offset"/> keeps tests in one class apart.</summary>
    public static IReadOnlyList<string> Postcodes(int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i =>
            $"{Areas[i % Areas.Length]}{1 + (i / Areas.Length % 20)} {i / (Areas.Length * 20) % 8}{InwardLetters[i % InwardLetters.Length]}{InwardLetters[i / InwardLetters.Length % InwardLetters.Length]}")
        .ToList();

    /// <summary>GET /postcode/{postcode}: the lookup id when accepted (202) or answered (200); the status code otherwise.</summary>
    public static async Task<(HttpStatusCode Status, Guid? LookupId, string? ContentType)> RequestAsync(HttpClient api, string postcode)
    {
        using var response = await api.GetAsync(new Uri($"/postcode/{Uri.EscapeDataString(postcode)}", UriKind.Relative)).ConfigureAwait(false);
        Guid? id = null;
        if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false);
            id = body.GetProperty("lookupId").GetGuid();
        }

        return (response.StatusCode, id, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// GET /postcode/{postcode} until it is accepted (202), as a client honouring the contract does: a 503 (a store or
    /// the broker slow to answer on a loaded machine) is asked again a moment later, for up to <see cref="UnavailablePatience"/>.
    /// After a 503 the lookup may have been sent all the same and be finished by the time it is asked again: then 200.
    /// </summary>
    public static async Task<Guid> AcceptAsync(HttpClient api, string postcode)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var askedAgain = false;
        while (true)
        {
            using var response = await api.GetAsync(new Uri($"/postcode/{Uri.EscapeDataString(postcode)}", UriKind.Relative)).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && clock.Elapsed < UnavailablePatience)
            {
                askedAgain = true;
                await Task.Delay(RetryAfterOf(response)).ConfigureAwait(false);
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.Accepted || (askedAgain && response.StatusCode == HttpStatusCode.OK),
                $"GET /postcode/{postcode} answered {(int)response.StatusCode}, expected 202: {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("lookupId").GetGuid();
        }
    }

    /// <summary>What a 503 says to wait (<c>Retry-After</c> in seconds, as the API sends it), else half a second.</summary>
    public static TimeSpan RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero ? delta : TimeSpan.FromMilliseconds(500);

    /// <summary>Each postcode through <see cref="AcceptAsync"/>, 8 at a time: the lookup ids, with when each 202 arrived (UTC).</summary>
    public static async Task<IReadOnlyDictionary<Guid, DateTime>> AcceptAllAsync(HttpClient api, IEnumerable<string> postcodes)
    {
        var accepted = new System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTime>();
        await Parallel.ForEachAsync(postcodes, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (postcode, _) => accepted[await AcceptAsync(api, postcode).ConfigureAwait(false)] = DateTime.UtcNow).ConfigureAwait(false);
        return accepted;
    }

    /// <summary>How long a test client keeps asking again after 503s before it counts the service as down.</summary>
    public static readonly TimeSpan UnavailablePatience = TimeSpan.FromSeconds(30);

    /// <summary>GET /lookups/{id}: its body, asking again after a 503 (the store slow to answer) for up to <see cref="UnavailablePatience"/>.</summary>
    public static async Task<JsonElement> StatusAsync(HttpClient api, Guid lookupId)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await api.GetAsync(new Uri($"/lookups/{lookupId}", UriKind.Relative)).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && clock.Elapsed < UnavailablePatience)
            {
                await Task.Delay(RetryAfterOf(response)).ConfigureAwait(false);
                continue;
            }

            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /lookups/{lookupId} answered {(int)response.StatusCode}: {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    public static bool IsTerminal(string? status) => status is "Completed" or "NotFound" or "Unsupported" or "Failed";

    /// <summary>
    /// Every lookup completed, except where the simulator's data is too dense even split into sectors (as the real API's
    /// can be): a clear failure with that reason, not a fault.
    /// </summary>
    public static void AssertCompleted(IReadOnlyDictionary<Guid, JsonElement> lookups) =>
        Assert.All(lookups.Values, s => Assert.True(
            s.GetProperty("status").GetString() == "Completed" ||
            s.GetProperty("reason").GetString()?.Contains("10,000 crimes", StringComparison.Ordinal) == true,
            s.ToString()));

    /// <summary>
    /// Polls the lookups until each has <paramref name="until"/> status (default: any terminal one), or, with
    /// <paramref name="atLeast"/>, until that many have; fails when the time is up.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, JsonElement>> WaitForAsync(
        HttpClient api, IReadOnlyCollection<Guid> lookupIds, TimeSpan timeout, Func<string?, bool>? until = null, int? atLeast = null)
    {
        until ??= IsTerminal;
        var latest = new Dictionary<Guid, JsonElement>();
        var deadline = DateTime.UtcNow + timeout;
        var pending = lookupIds.ToHashSet();
        var enough = lookupIds.Count - (atLeast ?? lookupIds.Count);
        while (pending.Count > enough)
        {
            foreach (var id in pending.ToList())
            {
                var status = await StatusAsync(api, id).ConfigureAwait(false);
                latest[id] = status;
                if (until(status.GetProperty("status").GetString()))
                {
                    pending.Remove(id);
                }
            }

            if (pending.Count <= enough)
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                var states = pending.Select(id => $"{id}: {latest[id].GetProperty("status").GetString()}");
                Assert.Fail($"{pending.Count} of {lookupIds.Count} lookups did not get there within {timeout.TotalSeconds:0} s: {string.Join(", ", states.Take(10))}");
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        return latest;
    }
}
