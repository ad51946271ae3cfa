using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EventDriven.Workers.Upstreams;

/// <summary>Upstream call metrics (OpenTelemetry picks up the meter): every attempt, its latency and the 429s.</summary>
public sealed class UpstreamMetrics : IDisposable
{
    public const string MeterName = "EventDriven.Upstreams";

    /// <summary>Counter of 429 answers; the CloudWatch alarm on police-API throttling watches it.</summary>
    public const string ThrottledInstrument = "upstream.throttled";

    /// <summary>The <c>upstream</c> tag values.</summary>
    public const string PoliceApi = "police-api";
    public const string PostcodesIo = "postcodes-io";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _throttled;
    private readonly Histogram<double> _duration;
    private long _throttledTotal;

    public UpstreamMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("upstream.requests", description: "Upstream HTTP attempts, by upstream and status code");
        _throttled = _meter.CreateCounter<long>(ThrottledInstrument, description: "Upstream answers 429 Too Many Requests");
        _duration = _meter.CreateHistogram<double>("upstream.duration", unit: "ms", description: "Upstream attempt latency");
    }

    /// <summary>429s received by this process since start (benchmarks read it).</summary>
    public long ThrottledTotal => Interlocked.Read(ref _throttledTotal);

    public void Record(string upstream, int statusCode, TimeSpan elapsed)
    {
        var tags = new TagList { { "upstream", upstream }, { "status", statusCode } };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("upstream", upstream));
        if (statusCode == 429)
        {
            Interlocked.Increment(ref _throttledTotal);
            _throttled.Add(1, new KeyValuePair<string, object?>("upstream", upstream));
        }
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>Sits inside the resilience pipeline, so it sees every attempt, not just the final answer.</summary>
internal sealed class UpstreamMetricsHandler(UpstreamMetrics metrics, string upstream) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            metrics.Record(upstream, (int)response.StatusCode, Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (HttpRequestException)
        {
            metrics.Record(upstream, 0, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}
