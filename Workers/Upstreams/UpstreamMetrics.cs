using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

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

/// <summary>
/// Sits inside the resilience pipeline, so it sees every attempt, not just the final answer: counts it, and logs a
/// failed one as one line with its cause (the pipeline's own telemetry, which logs a stack trace per retry, is turned
/// down to debug). The last cause is kept for <see cref="UpstreamFailures"/>, so a call refused by an open circuit can
/// say what opened it.
/// </summary>
/// <remarks>With a <see cref="History.UpstreamCallRecorder"/>, every attempt made for a lookup also goes to that lookup's history.</remarks>
internal sealed partial class UpstreamAttemptHandler(
    UpstreamMetrics metrics, UpstreamFailures failures, ILogger<UpstreamAttemptHandler> logger, string upstream, History.UpstreamCallRecorder? recorder = null)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var attempt = History.UpstreamCallRecorder.NextAttempt(request);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.Record(upstream, (int)response.StatusCode, elapsed);
            await (recorder?.RecordAsync(upstream, request, attempt, (int)response.StatusCode, error: null, elapsed) ?? Task.CompletedTask).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500 && !UpstreamClientsExtensions.MeansTooManyCrimes(response))
            {
                var cause = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                failures.Record(upstream, cause);
                LogFailedAttempt(logger, upstream, request.Method.Method, PathOf(request), cause, elapsed.TotalMilliseconds);
            }
            else if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
            {
                LogThrottled(logger, upstream, PathOf(request), response.Headers.RetryAfter?.ToString() ?? "none");
            }

            return response;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.Record(upstream, 0, elapsed);
            failures.Record(upstream, e.Message);
            LogFailedAttempt(logger, upstream, request.Method.Method, PathOf(request), e.Message, elapsed.TotalMilliseconds);
            await (recorder?.RecordAsync(upstream, request, attempt, 0, e.Message, elapsed) ?? Task.CompletedTask).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException) when (recorder is not null)
        {
            // The attempt timeout (or the message's own cancellation) ended it: no answer, which the history should show.
            await recorder.RecordAsync(upstream, request, attempt, 0, "timed out", Stopwatch.GetElapsedTime(started)).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The path and query without scheme, host or credentials: what identifies the call in a log line.</summary>
    private static string PathOf(HttpRequestMessage request) => request.RequestUri?.PathAndQuery ?? "?";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Upstream} {Method} {Path} attempt failed after {ElapsedMs:0} ms: {Cause}")]
    private static partial void LogFailedAttempt(ILogger logger, string upstream, string method, string path, string cause, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Upstream} {Path} answered 429 Too Many Requests (Retry-After {RetryAfter})")]
    private static partial void LogThrottled(ILogger logger, string upstream, string path, string retryAfter);
}

/// <summary>The last failed attempt's cause per upstream: what a call refused by an open circuit reports as its reason.</summary>
public sealed class UpstreamFailures
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _last = new(StringComparer.Ordinal);

    public void Record(string upstream, string cause) => _last[upstream] = cause;

    /// <summary>"circuit open after: Name or service not known (api.postcodes.io:443)".</summary>
    public string OpenCircuit(string upstream) =>
        _last.TryGetValue(upstream, out var cause) ? $"circuit open after: {cause}" : "circuit open";
}
