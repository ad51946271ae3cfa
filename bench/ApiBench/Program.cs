using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EventDriven.ApiBench;
using EventDriven.Contracts;

// dotnet run -c Release --project bench/ApiBench -- dedup|budget|wrk|freshness|http|all
var mode = args.FirstOrDefault() ?? "all";
var settings = new Dictionary<string, string?>
{
    ["Upstreams:Simulate"] = "true",
    // One load generator is one client: lift the per-client limit (the limiter still runs on every request).
    ["RateLimiting:PermitsPerSecond"] = "1000000",
    ["RateLimiting:Burst"] = "1000000",
    ["RateLimiting:LookupsInFlight"] = "100000",
};
switch (mode)
{
    case "dedup": await Dedup(); break;
    case "budget": await Budget(); break;
    case "wrk": await Wrk(); break;
    case "freshness": await FreshnessBench.RunAsync(settings); break;
    case "http": await HttpCachingBench.RunAsync(settings, RunWrk); break;
    case "all": await Dedup(); await Budget(); await Wrk(); await FreshnessBench.RunAsync(settings); await HttpCachingBench.RunAsync(settings, RunWrk); break;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}': use dedup, budget, wrk, freshness, http or all");
        return 2;
}

return 0;

async Task Dedup()
{
    await using var host = await BenchHost.StartAsync(settings);
    using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
    const int requests = 1_000;
    var watch = Stopwatch.StartNew();
    var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => client.GetAsync("/postcode/LS1%204AP")));
    var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.Accepted);
    var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
    await WaitFinished(client, responses.First(r => r.Headers.Location is not null).Headers.Location!.OriginalString);
    var elapsedMs = watch.ElapsedMilliseconds;
    Console.WriteLine($"dedup: {requests} concurrent requests for one new postcode in {elapsedMs} ms (to completion): " +
                      $"{accepted} x 202, {ok} x 200, other {requests - accepted - ok}; " +
                      $"geocode calls {host.Simulator.Stats.GeocodeRequests}, crimes calls {host.Simulator.Stats.CrimesRequests}");
}

async Task Budget()
{
    await using var host = await BenchHost.StartAsync(settings);
    using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
    const int postcodes = 300;
    var areas = new[] { "LS", "M", "B", "NE", "L", "S", "NG", "LE", "CV", "OX" };
    var watch = Stopwatch.StartNew();
    var statusUrls = new List<string>();
    for (var i = 0; i < postcodes; i++)
    {
        var postcode = $"{areas[i % areas.Length]}{(i / areas.Length % 9) + 1} {(i / 90) + 1}AB";
        var response = await client.GetAsync("/postcode/" + Uri.EscapeDataString(postcode));
        statusUrls.Add(response.Headers.Location?.OriginalString ?? throw new InvalidOperationException($"{postcode}: {response.StatusCode}"));
    }

    foreach (var url in statusUrls)
    {
        await WaitFinished(client, url, TimeSpan.FromMinutes(3));
    }

    var elapsed = watch.Elapsed.TotalSeconds;
    var stats = host.Simulator.Stats;
    // The police API lets 30 through at once, then 15 per second.
    var theoretical = Math.Max(0, stats.PoliceRequests - 30) / 15.0;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"budget: {postcodes} distinct postcodes completed in {elapsed:F1} s; police requests {stats.PoliceRequests} " +
        $"(crimes {stats.CrimesRequests}, publication {stats.PublicationRequests}); sustained rate {stats.SustainedPoliceRate:F2} req/s " +
        $"({stats.SustainedPoliceRate / 15 * 100:F1}% of 15); 429s {stats.Throttled}; theoretical minimum {theoretical:F1} s " +
        $"(ratio {elapsed / theoretical:F2})"));
}

async Task Wrk()
{
    await using var host = await BenchHost.StartAsync(settings);
    using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
    var accepted = await client.GetAsync("/postcode/SW1A1AA");
    await WaitFinished(client, accepted.Headers.Location!.OriginalString);
    var hit = await client.GetAsync("/postcode/SW1A1AA");
    if (hit.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"expected a cache hit, got {hit.StatusCode}");
    }

    var bare = RunWrk(host.BaseUrl + "bare", []);
    var postcode = RunWrk(host.BaseUrl + "postcode/SW1A1AA", []);
    var bodyBytes = (await hit.Content.ReadAsByteArrayAsync()).Length;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"wrk: bare endpoint {bare:F0} req/s; cache-hit GET /postcode {postcode:F0} req/s; ratio {postcode / bare:F2} " +
        $"(body {bodyBytes} bytes)"));
}

static double RunWrk(string url, string[] extra)
{
    // A later -d in extra wins over the default duration.
    var info = new ProcessStartInfo("wrk", ["-t2", "-c32", "-d10s", .. extra, url]) { RedirectStandardOutput = true };
    using var process = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk)");
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    var match = Regex.Match(output, @"Requests/sec:\s+([\d.]+)");
    return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException(output);
}

static async Task WaitFinished(HttpClient client, string statusUrl, TimeSpan? timeout = null)
{
    var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
    while (DateTime.UtcNow < deadline)
    {
        var status = await client.GetFromJsonAsync<JsonElement>(statusUrl);
        if (LookupStatus.IsTerminal(status.GetProperty("status").GetString()!))
        {
            return;
        }

        await Task.Delay(50);
    }

    throw new TimeoutException(statusUrl);
}
