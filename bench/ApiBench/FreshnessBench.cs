using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Persistence;
using EventDriven.Sagas;
using EventDriven.Simulator;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.ApiBench;

/// <summary>
/// Freshness on a fake clock: 10,000 lookups over 2,000 postcodes (Zipf, s = 1) spread over a simulated month, the police
/// publishing a new month in the middle. Each postcode has one client that remembers its last ETag and asks with
/// If-None-Match. Counts police crimes calls against the floor (distinct postcodes asked under each publication) and
/// against what the former 12-hour clock would have cost on the same trace.
/// </summary>
internal static class FreshnessBench
{
    private const int Lookups = 10_000;
    private const int Keys = 2_000;
    private const double ZipfExponent = 1.0;
    private static readonly TimeSpan SimulatedMonth = TimeSpan.FromDays(30);
    private static readonly TimeSpan FormerResultsFreshFor = TimeSpan.FromHours(12);

    public static async Task RunAsync(IDictionary<string, string?> baseSettings)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var settings = new Dictionary<string, string?>(baseSettings)
        {
            // The scheduled functions would tick on the fake clock too; they are not what is measured.
            ["Functions:Enabled"] = "false",
            // The budget has its own benchmark; on a fake clock a 429's Retry-After would never pass.
            ["Simulator:EnforcePoliceRateLimit"] = "false",
        };
        await using var host = await BenchHost.StartAsync(settings, s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(time)));
        using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var store = host.Services.GetRequiredService<IPolicePublicationStore>();
        var interval = host.Services.GetRequiredService<IOptions<LookupOptions>>().Value.PublicationCheckInterval;
        var simulator = host.Simulator;
        var start = time.GetUtcNow();
        await UntilCheckedAsync(store, start);
        var nextCheck = start + interval;

        var keys = Postcodes(Keys);
        var trace = ZipfTrace(Keys, Lookups, seed: 20261101);
        // The last lookup falls just before the month ends (the simulator publishes the next month at midnight).
        var step = SimulatedMonth / (Lookups + 1);
        var etags = new Dictionary<int, string>();
        var lastFetchUnderClock = new Dictionary<int, DateTimeOffset>();
        var askedUnder = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        long formerClockFetches = 0, conditional = 0, notModified = 0, ok = 0, accepted = 0;
        var watch = Stopwatch.StartNew();

        for (var i = 0; i < trace.Length; i++)
        {
            if (i == trace.Length / 2)
            {
                simulator.Publication.PublishMonth();
            }

            // Time passes as on a real clock: the monitor's timer fires at each interval, and its check is done before time goes on.
            var target = time.GetUtcNow() + step;
            for (; nextCheck <= target; nextCheck += interval)
            {
                time.Advance(nextCheck - time.GetUtcNow());
                await UntilCheckedAsync(store, nextCheck);
            }

            time.Advance(target - time.GetUtcNow());
            var now = time.GetUtcNow();
            var key = trace[i];
            var view = (await store.GetAsync())!.LastUpdated;
            (askedUnder.TryGetValue(view, out var set) ? set : askedUnder[view] = []).Add(key);
            if (!lastFetchUnderClock.TryGetValue(key, out var fetched) || now - fetched > FormerResultsFreshFor)
            {
                formerClockFetches++;
                lastFetchUnderClock[key] = now;
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, "/postcode/" + Uri.EscapeDataString(keys[key]));
            if (etags.TryGetValue(key, out var etag))
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                conditional++;
            }

            var response = await client.SendAsync(request);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotModified:
                    notModified++;
                    break;
                case HttpStatusCode.OK:
                    ok++;
                    etags[key] = response.Headers.ETag!.Tag;
                    break;
                case HttpStatusCode.Accepted:
                    accepted++;
                    await UntilCompletedAsync(client, response.Headers.Location!.OriginalString);
                    var answer = await client.GetAsync("/postcode/" + Uri.EscapeDataString(keys[key]));
                    etags[key] = answer.StatusCode == HttpStatusCode.OK
                        ? answer.Headers.ETag!.Tag
                        : throw new InvalidOperationException($"{keys[key]}: {answer.StatusCode} after completing");
                    break;
                default:
                    throw new InvalidOperationException($"{keys[key]}: {response.StatusCode}");
            }
        }

        var floor = askedUnder.Values.Sum(k => k.Count);
        var stats = simulator.Stats;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"freshness: {Lookups:N0} lookups over {Keys:N0} postcodes (Zipf s={ZipfExponent}; {trace.Distinct().Count():N0} asked at least once), " +
            $"{SimulatedMonth.TotalDays:0} simulated days, one publication in the middle (fake clock; {watch.Elapsed.TotalSeconds:F0} s wall): " +
            $"police crimes calls {stats.CrimesRequests:N0}, floor (distinct postcodes per publication: {string.Join(" + ", askedUnder.Values.Select(k => k.Count.ToString("N0", CultureInfo.InvariantCulture)))}) {floor:N0}, " +
            $"the former 12-hour clock on the same trace {formerClockFetches:N0}; publication checks {stats.LastUpdatedRequests:N0} crime-last-updated + " +
            $"{stats.DatesRequests:N0} months + {stats.CategoriesRequests:N0} categories; answers 200 {ok:N0}, 304 {notModified:N0}, 202 {accepted:N0}; " +
            $"conditional requests {conditional:N0}, of which 304 {notModified * 100.0 / Math.Max(1, conditional):F1}%"));
        if (stats.CrimesRequests != floor)
        {
            Console.WriteLine($"freshness: police crimes calls differ from the floor by {stats.CrimesRequests - floor}");
        }
    }

    /// <summary>Postcodes in England whose simulated points lie outside the simulator's dense areas (those cost split requests).</summary>
    private static List<string> Postcodes(int count)
    {
        string[] areas = ["LS", "M", "B", "NE", "L", "S", "NG", "LE", "CV", "OX", "BS", "NR", "PL", "YO", "HU"];
        const string letters = "ABDEFGHJLNPQRSTUWXY";
        var postcodes = new List<string>(count);
        for (var n = 0; postcodes.Count < count; n++)
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{areas[n % areas.Length]}{(n / areas.Length % 9) + 1} {(n / 135 % 7) + 1}{letters[n / 945 % letters.Length]}{letters[n % letters.Length]}");
            var point = SyntheticGeography.Find(Postcode.Parse(text))!;
            if (!SyntheticCrimes.Dense.Contains(point.Latitude!.Value, point.Longitude!.Value) &&
                !SyntheticCrimes.Extreme.Contains(point.Latitude.Value, point.Longitude.Value) &&
                !postcodes.Contains(text))
            {
                postcodes.Add(text);
            }
        }

        return postcodes;
    }

    private static int[] ZipfTrace(int keys, int length, int seed)
    {
        var weights = Enumerable.Range(1, keys).Select(rank => 1 / Math.Pow(rank, ZipfExponent)).ToArray();
        var cumulative = new double[keys];
        var total = 0.0;
        for (var i = 0; i < keys; i++)
        {
            total += weights[i];
            cumulative[i] = total;
        }

        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ =>
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * total);
            return index < 0 ? ~index : index;
        }).ToArray();
    }

    private static async Task UntilCheckedAsync(IPolicePublicationStore store, DateTimeOffset notBefore)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await store.GetAsync() is not { } publication || publication.CheckedAt < notBefore)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the publication monitor did not check on the fake clock: last check {(await store.GetAsync())?.CheckedAt:O}, wanted {notBefore:O}");
            }

            await Task.Delay(1);
        }
    }

    private static async Task UntilCompletedAsync(HttpClient client, string statusUrl)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var status = (await client.GetFromJsonAsync<JsonElement>(statusUrl)).GetProperty("status").GetString()!;
            if (status == LookupStatus.Completed)
            {
                return;
            }

            if (LookupStatus.IsTerminal(status))
            {
                throw new InvalidOperationException($"{statusUrl} ended {status}");
            }

            await Task.Delay(2);
        }

        throw new TimeoutException(statusUrl);
    }
}
