using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using EventDriven.Contracts.Values;
using Microsoft.Extensions.Options;

namespace EventDriven.Simulator;

/// <summary>
/// A simulator of postcodes.io and data.police.uk that speaks their exact shapes (docs/architecture.md, "Upstreams"): coordinates as strings,
/// <c>outcome_status</c> null or an object, 404 bodies (with a <c>terminated</c> object for terminated postcodes, and
/// postcodes.io's "Resource not found" for a route it does not serve), null longitude/latitude, 429 with
/// <c>Retry-After</c> beyond the police API's rate limit, 503 for areas with more than 10,000 crimes, the police's
/// publication (<c>/crime-last-updated</c>, <c>/crimes-street-dates</c>, <c>/crime-categories</c>). Transport-free:
/// adapters serve it as an <see cref="HttpMessageHandler"/> or on a port. Every answer carries <see cref="SimulatedHeader"/>.
/// Routes are the real ones: postcodes.io at the root (<c>/postcodes/{postcode}</c>), the police API under <c>/api/</c>.
/// </summary>
public sealed class UpstreamSimulator : IDisposable
{
    /// <summary>Response header that marks simulated data, so a client can never present it as real.</summary>
    public const string SimulatedHeader = Contracts.Results.DataSources.SimulatedHeader;

    private readonly SimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly RateLimiter? _policeLimiter;

    public UpstreamSimulator(IOptions<SimulatorOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        Publication = new SimulatorPublication(time, _options.MonthsAvailable);
        if (_options.EnforcePoliceRateLimit)
        {
            // The police API is a leaky bucket: a token bucket refilled one token at a time is the same thing.
            _policeLimiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = _options.PoliceBurst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1 / _options.PoliceRequestsPerSecond),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }
    }

    public UpstreamSimulator() : this(Options.Create(new SimulatorOptions()), TimeProvider.System)
    {
    }

    public SimulatorFaults Faults { get; } = new();

    public SimulatorStats Stats { get; } = new();

    /// <summary>What the simulated police have published; tests move it on.</summary>
    public SimulatorPublication Publication { get; }

    public async Task<SimulatorResponse> HandleAsync(SimulatorRequest request, CancellationToken cancellationToken)
    {
        var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var upstream = Classify(segments);
        if (upstream is null)
        {
            // postcodes.io's answer for a route it does not serve (not a postcode it does not know).
            return SimulatorResponse.Json(404, """{"status":404,"error":"Resource not found"}""");
        }

        if (Faults.TryTakeForcedFailure(out var forcedStatus))
        {
            Stats.CountInjectedError();
            return SimulatorResponse.Text(forcedStatus, "Simulated upstream error");
        }

        var faults = Faults.Current;
        if (faults.AppliesTo(upstream.Value))
        {
            if (faults.Latency > TimeSpan.Zero)
            {
                // Counted while held, so a test can wait until its slow calls are under way rather than for a while.
                var crimes = segments is ["api", "crimes-street", "all-crime"];
                Stats.Hold(upstream.Value == Upstream.PoliceApi, crimes, +1);
                try
                {
                    await Task.Delay(faults.Latency, _time, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Stats.Hold(upstream.Value == Upstream.PoliceApi, crimes, -1);
                }
            }

            if (faults.Outage)
            {
                Stats.CountOutage();
                throw new SimulatedOutageException(upstream.Value);
            }

            if (faults.ErrorRate > 0 && Random.Shared.NextDouble() < faults.ErrorRate)
            {
                Stats.CountInjectedError();
                int[] statuses = [500, 502, 504];
                return SimulatorResponse.Text(statuses[Random.Shared.Next(statuses.Length)], "Simulated upstream error");
            }
        }

        if (!string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase))
        {
            return SimulatorResponse.Text(405, "Method Not Allowed");
        }

        return upstream == Upstream.PostcodesIo ? Geocode(segments[^1]) : Police(segments, request.Query);
    }

    private static Upstream? Classify(string[] segments) => segments switch
    {
        ["postcodes", _] => Upstream.PostcodesIo,
        ["api", "crimes-street", "all-crime"] => Upstream.PoliceApi,
        ["api", "crimes-street-dates"] => Upstream.PoliceApi,
        ["api", "crime-last-updated"] => Upstream.PoliceApi,
        ["api", "crime-categories"] => Upstream.PoliceApi,
        _ => null,
    };

    private SimulatorResponse Geocode(string rawPostcode)
    {
        Stats.CountGeocode();
        var text = Uri.UnescapeDataString(rawPostcode);
        if (!Postcode.TryParse(text, out var postcode))
        {
            return SimulatorResponse.Json(404, """{"status":404,"error":"Invalid postcode"}""");
        }

        var found = SyntheticGeography.Find(postcode);
        if (found is null)
        {
            if (SyntheticGeography.FindTerminated(postcode) is { } terminated)
            {
                // postcodes.io PR #1306 (Dec 2025): a terminated postcode's 404 carries when it ended and where it was.
                return SimulatorResponse.Json(404, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("status", 404);
                    writer.WriteString("error", "Postcode not found");
                    writer.WriteStartObject("terminated");
                    writer.WriteString("postcode", terminated.Postcode.Value);
                    writer.WriteNumber("year_terminated", terminated.Year);
                    writer.WriteNumber("month_terminated", terminated.Month);
                    writer.WriteNumber("longitude", terminated.Longitude);
                    writer.WriteNumber("latitude", terminated.Latitude);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                });
            }

            return SimulatorResponse.Json(404, """{"status":404,"error":"Postcode not found"}""");
        }

        return SimulatorResponse.Json(200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("status", 200);
            writer.WriteStartObject("result");
            writer.WriteString("postcode", found.Postcode.Value);
            writer.WriteNumber("quality", found.Latitude is null ? 9 : 1);
            WriteNullableNumber(writer, "eastings", found.Latitude is null ? null : 400000 + SyntheticGeography.StableSeed(postcode.Value) % 100000);
            WriteNullableNumber(writer, "northings", found.Latitude is null ? null : 200000 + SyntheticGeography.StableSeed(postcode.Compact) % 100000);
            writer.WriteString("country", found.Country);
            WriteNullableNumber(writer, "longitude", found.Longitude);
            WriteNullableNumber(writer, "latitude", found.Latitude);
            writer.WriteString("outcode", postcode.Outward);
            writer.WriteString("incode", postcode.Inward);
            writer.WriteString("admin_district", found.District);
            writer.WriteString("region", found.Country == "England" ? "Simulated Region" : null);
            // The police force area (https://postcodes.io/docs/postcode/schema: "pfa": "Metropolitan Police").
            writer.WriteString("pfa", found.ForceArea);
            writer.WriteStartObject("codes");
            writer.WriteString("admin_district", "S00000000");
            writer.WriteString("pfa", found.ForceArea is null ? null : "E23000001");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    private SimulatorResponse Police(string[] segments, IReadOnlyDictionary<string, string?> query)
    {
        if (_policeLimiter is not null)
        {
            using var lease = _policeLimiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                Stats.CountThrottled();
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                return SimulatorResponse.Text(429, "Too Many Requests", ("Retry-After", seconds.ToString(CultureInfo.InvariantCulture)));
            }
        }

        if (segments[^1] == "crime-last-updated")
        {
            // https://data.police.uk/docs/method/crime-last-updated/: {"date":"2012-11-01"}.
            Stats.CountLastUpdated(_time.GetUtcNow());
            var lastUpdated = Publication.LastUpdated;
            return SimulatorResponse.Json(200, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("date", lastUpdated);
                writer.WriteEndObject();
            });
        }

        if (segments[^1] == "crime-categories")
        {
            // https://data.police.uk/docs/method/crime-categories/: [{"url":"all-crime","name":"All crime"},...] for a listed month.
            Stats.CountCategories(_time.GetUtcNow());
            var date = query.GetValueOrDefault("date");
            if (!string.IsNullOrEmpty(date) && !AvailableMonths().Contains(date))
            {
                return SimulatorResponse.Text(404, "Not Found");
            }

            return SimulatorResponse.Json(200, SyntheticCrimes.WriteCategories);
        }

        if (segments[^1] == "crimes-street-dates")
        {
            Stats.CountDates(_time.GetUtcNow());
            return SimulatorResponse.Json(200, writer =>
            {
                writer.WriteStartArray();
                foreach (var month in AvailableMonths())
                {
                    writer.WriteStartObject();
                    writer.WriteString("date", month);
                    writer.WriteStartArray("stop-and-search");
                    writer.WriteStringValue("avon-and-somerset");
                    writer.WriteStringValue("metropolitan");
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
        }

        Stats.CountCrimes(_time.GetUtcNow());
        return Crimes(query);
    }

    private SimulatorResponse Crimes(IReadOnlyDictionary<string, string?> query)
    {
        var months = AvailableMonths();
        var month = query.GetValueOrDefault("date");
        if (string.IsNullOrEmpty(month))
        {
            month = months[0];
        }
        else if (!months.Contains(month))
        {
            return SimulatorResponse.Text(404, "Not Found");
        }

        if (query.GetValueOrDefault("poly") is { Length: > 0 } polyText)
        {
            var polygon = ParsePolygon(polyText);
            if (polygon is null)
            {
                return SimulatorResponse.Text(400, "Bad Request");
            }

            var count = SyntheticCrimes.CountInPolygon(polygon, month);
            if (count > SyntheticCrimes.MaxCrimesPerQuery)
            {
                Stats.CountTooManyCrimes();
                return SimulatorResponse.Text(503, string.Empty);
            }

            return SimulatorResponse.Json(200, writer => SyntheticCrimes.WriteInPolygon(writer, polygon, month, count));
        }

        if (!TryParseCoordinate(query.GetValueOrDefault("lat"), 90, out var lat) || !TryParseCoordinate(query.GetValueOrDefault("lng"), 180, out var lng))
        {
            return SimulatorResponse.Text(400, "Bad Request");
        }

        var crimes = SyntheticCrimes.CountAround(lat, lng, month);
        if (crimes > SyntheticCrimes.MaxCrimesPerQuery)
        {
            Stats.CountTooManyCrimes();
            return SimulatorResponse.Text(503, string.Empty);
        }

        return SimulatorResponse.Json(200, writer => SyntheticCrimes.WriteAround(writer, lat, lng, month, crimes));
    }

    /// <summary>Newest first (see <see cref="SimulatorPublication.Months"/>).</summary>
    public IReadOnlyList<string> AvailableMonths() => Publication.Months;

    private static bool TryParseCoordinate(string? text, double limit, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && Math.Abs(value) <= limit;

    private static List<(double Latitude, double Longitude)>? ParsePolygon(string text)
    {
        var points = new List<(double, double)>();
        foreach (var pair in text.Split(':'))
        {
            var parts = pair.Split(',');
            if (parts.Length != 2 || !TryParseCoordinate(parts[0], 90, out var lat) || !TryParseCoordinate(parts[1], 180, out var lng))
            {
                return null;
            }

            points.Add((lat, lng));
        }

        return points.Count >= 3 ? points : null;
    }

    private static void WriteNullableNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteNumber(name, value.Value);
        }
    }

    public void Dispose() => _policeLimiter?.Dispose();
}

public sealed record SimulatorRequest(string Method, string Path, IReadOnlyDictionary<string, string?> Query)
{
    public static SimulatorRequest From(HttpRequestMessage request)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query)
            .ToDictionary(kv => kv.Key, kv => (string?)kv.Value.ToString(), StringComparer.Ordinal);
        return new SimulatorRequest(request.Method.Method, uri.AbsolutePath, query);
    }
}

public sealed record SimulatorResponse(int StatusCode, byte[] Body, string ContentType, IReadOnlyList<(string Name, string Value)> Headers)
{
    public static SimulatorResponse Json(int status, string json) =>
        new(status, Encoding.UTF8.GetBytes(json), "application/json; charset=utf-8", []);

    public static SimulatorResponse Json(int status, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return new SimulatorResponse(status, buffer.ToArray(), "application/json; charset=utf-8", []);
    }

    public static SimulatorResponse Text(int status, string text, params (string Name, string Value)[] headers) =>
        new(status, Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8", headers);
}

/// <summary>The simulated upstream is down: adapters turn this into a refused connection.</summary>
public sealed class SimulatedOutageException(Upstream upstream)
    : Exception($"Simulated outage: {upstream} is unreachable.")
{
    public Upstream Upstream { get; } = upstream;
}
