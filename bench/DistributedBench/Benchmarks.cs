using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.TestSupport;

namespace EventDriven.DistributedBench;

public sealed class Benchmarks(RabbitMqNode rabbit, string dynamoUrl)
{
    private const int Clients = 32;
    private static readonly string[] Areas = ["B", "M", "L", "S", "LS", "NG", "LE", "CV", "BS", "OX", "CB", "NR", "NE", "SO", "PO", "EX"];
    private const string InwardLetters = "ABDEFGHJLNPQRSTUWXY";
    private int _postcodeOffset;

    /// <summary>
    /// Cache-miss requests answered 202 per second by the API, 32 concurrent clients, distinct postcodes. Both modes use
    /// DynamoDB Local for the state the API reads first, so the ratio is the bus: in-memory (embedded: saga and workers
    /// in the same process) vs RabbitMQ (publish with confirms; one Consumers process running beside it).
    /// </summary>
    public async Task AcceptanceAsync()
    {
        const int requests = 3000;
        await using var simulator = await AppProcess.StartAsync(AppProcess.Simulator, new Dictionary<string, string> { ["Simulator__EnforcePoliceRateLimit"] = "false" }, "/_simulator/stats");

        double embedded;
        await using (var api = await AppProcess.StartAsync(AppProcess.Producers, Environment(simulator, "InMemory")))
        {
            await AcceptAsync(api.Http, Postcodes(200)); // warm-up: JIT, connections, tables
            embedded = await AcceptAsync(api.Http, Postcodes(requests));
        }

        double distributed;
        await using (var workers = await AppProcess.StartAsync(AppProcess.Consumers, Environment(simulator, "RabbitMq")))
        await using (var api = await AppProcess.StartAsync(AppProcess.Producers, Environment(simulator, "RabbitMq")))
        {
            await AcceptAsync(api.Http, Postcodes(200));
            distributed = await AcceptAsync(api.Http, Postcodes(requests));
        }

        Console.WriteLine($"accept: {requests} cache misses, {Clients} clients: in-memory bus {embedded:0} /s, RabbitMQ {distributed:0} /s, " +
                          $"ratio {distributed / embedded:0.00}");
    }

    /// <summary>
    /// Lookups to Completed per second with <paramref name="workers"/> Consumers processes, against a simulator without
    /// a rate limit (and the workers' police limiter lifted): the pipeline's own throughput.
    /// </summary>
    public async Task EndToEndAsync(int workers, int lookups = 600, bool report = true)
    {
        await using var simulator = await AppProcess.StartAsync(AppProcess.Simulator, new Dictionary<string, string> { ["Simulator__EnforcePoliceRateLimit"] = "false" }, "/_simulator/stats");
        var environment = Environment(simulator, "RabbitMq");
        environment["Upstreams__PoliceApi__RequestsPerSecond"] = "1000";
        environment["Upstreams__PoliceApi__Burst"] = "2000";
        var processes = new List<AppProcess>();
        try
        {
            for (var i = 0; i < workers; i++)
            {
                processes.Add(await AppProcess.StartAsync(AppProcess.Consumers, environment));
            }

            var api = await AppProcess.StartAsync(AppProcess.Producers, environment);
            processes.Add(api);
            await Task.Delay(TimeSpan.FromSeconds(3)); // the workers see each other (fleet share), endpoints settle

            var clock = Stopwatch.StartNew();
            var ids = new ConcurrentBag<Guid>();
            await Parallel.ForEachAsync(Postcodes(lookups), new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (postcode, ct) =>
            {
                using var response = await api.Http.GetAsync(new Uri("/postcode/" + Uri.EscapeDataString(postcode), UriKind.Relative), ct);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"{postcode}: {(int)response.StatusCode}");
                }

                ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("lookupId").GetGuid());
            });
            var submitted = clock.Elapsed;
            var outcomes = await WaitForAllAsync(api.Http, ids.ToList(), TimeSpan.FromMinutes(5));
            var elapsed = clock.Elapsed;
            var completed = outcomes.Count(o => o == "Completed");
            if (!report)
            {
                return;
            }

            Console.WriteLine($"e2e: {workers} Consumers process(es): {lookups} lookups submitted in {submitted.TotalSeconds:0.0} s, " +
                              $"all finished after {elapsed.TotalSeconds:0.0} s ({completed} Completed, {lookups - completed} other): " +
                              $"{lookups / elapsed.TotalSeconds:0.0} completions/s");
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    private Dictionary<string, string> Environment(AppProcess simulator, string transport)
    {
        var environment = new Dictionary<string, string>
        {
            ["Bus__Transport"] = transport,
            ["Bus__RabbitMq__Host"] = rabbit.Host,
            ["Bus__RabbitMq__Port"] = rabbit.Port.ToString(CultureInfo.InvariantCulture),
            ["Persistence__Provider"] = "DynamoDb",
            ["Persistence__DynamoDb__ServiceUrl"] = dynamoUrl,
            ["Persistence__DynamoDb__TablePrefix"] = DynamoDbLocalFixture.NewTablePrefix(),
            ["Upstreams__PostcodesIo__BaseUrl"] = simulator.BaseAddress.ToString(),
            ["Upstreams__PoliceApi__BaseUrl"] = new Uri(simulator.BaseAddress, "api/").ToString(),
            ["RateLimiting__PermitsPerSecond"] = "1000000",
            ["RateLimiting__Burst"] = "1000000",
            ["RateLimiting__LookupsInFlight"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        return environment;
    }

    private static async Task<double> AcceptAsync(HttpClient api, IReadOnlyList<string> postcodes)
    {
        var clock = Stopwatch.StartNew();
        var accepted = 0;
        await Parallel.ForEachAsync(postcodes, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (postcode, ct) =>
        {
            using var response = await api.GetAsync(new Uri("/postcode/" + Uri.EscapeDataString(postcode), UriKind.Relative), ct);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref accepted);
            }
        });
        if (accepted != postcodes.Count)
        {
            throw new InvalidOperationException($"only {accepted} of {postcodes.Count} requests were accepted");
        }

        return accepted / clock.Elapsed.TotalSeconds;
    }

    private static async Task<List<string>> WaitForAllAsync(HttpClient api, List<Guid> ids, TimeSpan timeout)
    {
        var outcomes = new ConcurrentDictionary<Guid, string>();
        var deadline = DateTime.UtcNow + timeout;
        while (outcomes.Count < ids.Count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{ids.Count - outcomes.Count} lookups unfinished after {timeout}");
            }

            await Parallel.ForEachAsync(ids.Where(id => !outcomes.ContainsKey(id)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
            {
                var status = (await api.GetFromJsonAsync<JsonElement>(new Uri($"/lookups/{id}", UriKind.Relative), ct)).GetProperty("status").GetString();
                if (status is "Completed" or "NotFound" or "Unsupported" or "Failed")
                {
                    outcomes[id] = status;
                }
            });
            await Task.Delay(200);
        }

        return [.. outcomes.Values];
    }

    private List<string> Postcodes(int count)
    {
        var start = Interlocked.Add(ref _postcodeOffset, count) - count;
        return Enumerable.Range(start, count).Select(i =>
            $"{Areas[i % Areas.Length]}{1 + (i / Areas.Length % 20)} {i / (Areas.Length * 20) % 10}{InwardLetters[i % InwardLetters.Length]}{InwardLetters[i / InwardLetters.Length % InwardLetters.Length]}").ToList();
    }
}
