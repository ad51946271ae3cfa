using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.Contracts;
using EventDriven.TestSupport;

// dotnet run -c Release --project bench/AbuseBench -- memory [lookups] | memory-uncapped [lookups] | fairness [seconds] | all
var mode = args.FirstOrDefault() ?? "all";
switch (mode)
{
    case "fairness":
        await Fairness(TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 90));
        break;
    case "memory":
        await Memory(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000, capped: true);
        break;
    case "memory-uncapped":
        await Memory(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40_000, capped: false);
        break;
    case "all":
        await Fairness(TimeSpan.FromSeconds(90));
        await Memory(100_000, capped: true);
        break;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}': use memory [lookups], memory-uncapped [lookups], fairness [seconds] or all");
        return 2;
}

return 0;

// Distinct lookups (coordinates on a grid, each its own lookup key) through the embedded process, 32 at a time, each
// to its end; the process's resident set size read from /proc at every 10,000.
static async Task Memory(int lookups, bool capped)
{
    var environment = new Dictionary<string, string>
    {
        [ConfigurationKeys.UpstreamsSimulate] = "true",
        // One load generator: lift the per-client limits (they still run on every request).
        ["RateLimiting__PermitsPerSecond"] = "1000000",
        ["RateLimiting__Burst"] = "1000000",
        ["RateLimiting__LookupsInFlight"] = "100000",
        // The memory, not the police budget, is measured: let the simulated police API answer as fast as it can.
        [ConfigurationKeys.UpstreamsPoliceApiRequestsPerSecond] = "1000",
        [ConfigurationKeys.UpstreamsPoliceApiBurst] = "10000",
        ["Simulator__EnforcePoliceRateLimit"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
    };
    if (!capped)
    {
        // As before the caps: nothing evicted short of the 100-day retention.
        environment["Persistence__InMemory__MaxLookups"] = "10000000";
        environment["Persistence__InMemory__MaxResultMegabytes"] = "100000";
    }

    await using var api = await AppProcess.StartAsync(AppProcess.Producers, environment);
    Console.WriteLine($"memory ({(capped ? "default caps" : "caps lifted")}): started, RSS {Rss(api.Id)} MB");
    var next = 0;
    var done = 0;
    var clock = Stopwatch.StartNew();
    const int checkpoint = 10_000;
    while (done < lookups)
    {
        var batch = Math.Min(checkpoint, lookups - done);
        var workers = Enumerable.Range(0, 32).Select(async _ =>
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next) - 1;
                if (i >= done + batch)
                {
                    return;
                }

                await LookupAsync(api.Http, i);
            }
        });
        await Task.WhenAll(workers);
        done += batch;
        next = done;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: {done,7:N0} distinct lookups completed in {clock.Elapsed.TotalSeconds,6:F0} s, RSS {Rss(api.Id),5} MB"));
    }
}

// Three greedy clients, each sending a new distinct lookup every 100 ms (10/s, their per-client rate limit), and a normal
// user who asks for one new lookup every 10 s and waits for it: how much longer does the user wait than with nobody
// else around? Defaults everywhere (police budget 15/s against the simulator's enforced 15/s, burst 30).
static async Task Fairness(TimeSpan attack)
{
    var environment = new Dictionary<string, string>
    {
        [ConfigurationKeys.UpstreamsSimulate] = "true",
        ["Logging__LogLevel__Default"] = "Warning",
    };
    await using var api = await AppProcess.StartAsync(AppProcess.Producers, environment);
    using var user = ClientFrom("127.0.0.5", api.BaseAddress);
    var point = 0;
    Uri NewPoint(int client) => new(string.Create(CultureInfo.InvariantCulture,
        $"/coordinates?latitude={51.0 + (client * 0.3) + (Interlocked.Increment(ref point) / 400 * 0.002):0.000}&longitude={-2.0 + (point % 400 * 0.002):0.000}"), UriKind.Relative);

    var baseline = new List<double>();
    for (var i = 0; i < 5; i++)
    {
        baseline.Add(await TimedLookupAsync(user, NewPoint(0)));
    }

    var idle = baseline.Order().ElementAt(baseline.Count / 2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fairness: a new lookup alone takes {idle:F2} s (median of 5)"));

    using var stop = new CancellationTokenSource(attack);
    var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
    var attackers = Enumerable.Range(1, 3).Select(async client =>
    {
        using var greedy = ClientFrom($"127.0.0.{client + 1}", api.BaseAddress);
        var sent = new List<Task>();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await SafeTick(tick, stop.Token))
        {
            sent.Add(Task.Run(async () =>
            {
                try
                {
                    using var response = await greedy.GetAsync(NewPoint(client));
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                }
                catch (HttpRequestException)
                {
                    statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                }
            }));
        }

        await Task.WhenAll(sent);
    }).ToList();

    var clock = Stopwatch.StartNew();
    var delays = new List<(double At, double Seconds)>();
    while (clock.Elapsed < attack - TimeSpan.FromSeconds(5))
    {
        await Task.Delay(TimeSpan.FromSeconds(10));
        var at = clock.Elapsed.TotalSeconds;
        var seconds = await TimedLookupAsync(user, NewPoint(0));
        delays.Add((at, seconds));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fairness: at {at,5:F0} s of the attack a new lookup took {seconds,6:F2} s (delay {seconds - idle,6:F2} s)"));
    }

    await Task.WhenAll(attackers);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"fairness: worst delay {delays.Max(d => d.Seconds) - idle:F2} s over {attack.TotalSeconds:F0} s of 3 clients x 10 lookups/s; " +
        $"their answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} x {(s.Key == 0 ? "connection error" : s.Key.ToString(CultureInfo.InvariantCulture))}"))}"));
}

static async Task<bool> SafeTick(PeriodicTimer timer, CancellationToken token)
{
    try
    {
        return await timer.WaitForNextTickAsync(token);
    }
    catch (OperationCanceledException)
    {
        return false;
    }
}

// One new lookup from request to a finished status, in seconds.
static async Task<double> TimedLookupAsync(HttpClient http, Uri path)
{
    var clock = Stopwatch.StartNew();
    using var response = await http.GetAsync(path);
    if (response.StatusCode != HttpStatusCode.OK)
    {
        var statusUrl = response.Headers.Location ?? throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        while (true)
        {
            var status = await http.GetFromJsonAsync<JsonElement>(statusUrl);
            if (LookupStatus.IsTerminal(status.GetProperty("status").GetString()!))
            {
                break;
            }

            await Task.Delay(50);
        }
    }

    return clock.Elapsed.TotalSeconds;
}

// An HTTP client whose connections leave from the given loopback address: each is its own client to the API.
static HttpClient ClientFrom(string source, Uri baseAddress)
{
    var address = IPAddress.Parse(source);
    var handler = new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
    return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
}

static async Task LookupAsync(HttpClient http, int i)
{
    var latitude = 52.5 + (i / 1000 * 0.001);
    var longitude = -1.0 + (i % 1000 * 0.001);
    using var response = await http.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"/coordinates?latitude={latitude:0.000}&longitude={longitude:0.000}"), UriKind.Relative));
    if (response.StatusCode == HttpStatusCode.OK)
    {
        return;
    }

    var statusUrl = response.Headers.Location ?? throw new InvalidOperationException($"lookup {i}: {(int)response.StatusCode}");
    var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
    while (DateTime.UtcNow < deadline)
    {
        var status = await http.GetFromJsonAsync<JsonElement>(statusUrl);
        if (LookupStatus.IsTerminal(status.GetProperty("status").GetString()!))
        {
            return;
        }

        await Task.Delay(20);
    }

    throw new TimeoutException($"lookup {i} did not finish");
}

// Resident set size in MB, from /proc (what the issue measured).
static long Rss(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
    }

    return -1;
}
