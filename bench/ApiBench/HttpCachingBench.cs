using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace EventDriven.ApiBench;

/// <summary>
/// What HTTP caching and compression save: bytes on the wire per cache hit with and without Accept-Encoding (br,
/// gzip), for the newest month and for a 12-month trend; and throughput of the cache hit with compression and of a
/// conditional request answered 304 next to the bare endpoint.
/// </summary>
internal static class HttpCachingBench
{
    public static async Task RunAsync(IDictionary<string, string?> settings, Func<string, string[], double> wrk)
    {
        await using var host = await BenchHost.StartAsync(settings);
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = new Uri(host.BaseUrl) };
        foreach (var path in new[] { "/postcode/SW1A1AA", "/postcode/SW1A1AA?months=12" })
        {
            await HitAsync(client, path);
            var sizes = new List<string>();
            foreach (var coding in new[] { "identity", "gzip", "br" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (coding != "identity")
                {
                    request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(coding));
                }

                var response = await client.SendAsync(request);
                var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
                sizes.Add(string.Create(CultureInfo.InvariantCulture, $"{coding} {bytes:N0} B"));
            }

            Console.WriteLine($"http: cache hit {path}: {string.Join(", ", sizes)}");
        }

        var etag = (await HitAsync(client, "/postcode/SW1A1AA")).Headers.ETag!.Tag;
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, "/postcode/SW1A1AA"))
        {
            conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
            var notModified = await client.SendAsync(conditional);
            Console.WriteLine($"http: conditional request with its ETag: {(int)notModified.StatusCode}, {(await notModified.Content.ReadAsByteArrayAsync()).Length} B body");
        }

        // The machine is shared: each round runs the bare endpoint next to every variant, and the ratios of a round are
        // taken from runs seconds apart; the median round is reported.
        var url = host.BaseUrl + "postcode/SW1A1AA";
        (string Name, string Url, string[] Extra)[] variants =
        [
            ("cache hit", url, []),
            ("with br", url, ["-H", "Accept-Encoding: br"]),
            ("with gzip", url, ["-H", "Accept-Encoding: gzip"]),
            ("conditional 304", url, ["-H", $"If-None-Match: {etag}"]),
        ];
        wrk(host.BaseUrl + "bare", ["-d3s"]); // warm-up
        var rounds = Enumerable.Range(0, 3).Select(_ =>
        {
            var bare = wrk(host.BaseUrl + "bare", []);
            return (Bare: bare, Ratios: variants.Select(v => wrk(v.Url, v.Extra) / bare).ToArray());
        }).ToList();
        var median = rounds.OrderBy(r => r.Ratios[0]).ElementAt(rounds.Count / 2);
        Console.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"http (wrk -t2 -c32 -d10s, 3 rounds; median round: bare {median.Bare:F0} req/s): ") +
            string.Join("; ", variants.Select((v, i) => string.Create(CultureInfo.InvariantCulture,
                $"{v.Name} ratio {median.Ratios[i]:F2} (rounds {string.Join("/", rounds.Select(r => r.Ratios[i].ToString("F2", CultureInfo.InvariantCulture)))})"))));
    }

    private static async Task<HttpResponseMessage> HitAsync(HttpClient client, string path)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return response;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException(path);
    }
}
