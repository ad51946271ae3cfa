using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventDriven.TestSupport;

/// <summary>
/// An open-loop client: a request every 45 ms (22 req/s) whatever the answers' latency (a slow fleet means more
/// requests in flight, not fewer sent), alternately a cache hit and a miss (a postcode never asked before). Any
/// 5xx, unexpected status or connection error is a failure. Used by the rolling-restart spec and bench/DistributedBench.
/// </summary>
public sealed class RollingTraffic : IAsyncDisposable
{
    private static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(45);

    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentBag<string> _failures = [];
    private readonly ConcurrentDictionary<Guid, DateTime> _accepted = new();
    private readonly ConcurrentQueue<string> _misses;
    private readonly ConcurrentBag<Task> _sent = [];
    private readonly IReadOnlyList<string> _hits;
    private readonly HttpClient _client;
    private readonly Action<Guid>? _onAccepted;
    private readonly Task _running;
    private int _requests;
    private int _hitCount;
    private int _askedAgain;

    private RollingTraffic(HttpClient client, IReadOnlyList<string> hits, IEnumerable<string> misses, Action<Guid>? onAccepted)
    {
        _client = client;
        _onAccepted = onAccepted;
        _hits = hits;
        _misses = new ConcurrentQueue<string>(misses);
        _running = RunAsync();
    }

    /// <summary>Starts sending; <paramref name="onAccepted"/> hears of each lookup accepted (202) as it is.</summary>
    public static RollingTraffic Start(HttpClient client, IReadOnlyList<string> hits, IEnumerable<string> misses, Action<Guid>? onAccepted = null) =>
        new(client, hits, misses, onAccepted);

    public async Task<TrafficResult> StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
        var elapsed = _clock.Elapsed;
        await Task.WhenAll(_sent); // every request sent is answered and counted
        return new TrafficResult(_requests, _hitCount, _askedAgain, elapsed, _requests / elapsed.TotalSeconds, _accepted, [.. _failures]);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        await Task.WhenAll(_sent);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Cadence);
        var hit = true;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var postcode = hit ? _hits[Random.Shared.Next(_hits.Count)] : _misses.TryDequeue(out var next) ? next : null;
                if (postcode is not null)
                {
                    _sent.Add(SendAsync(postcode, hit));
                }

                hit = !hit;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task SendAsync(string postcode, bool hit)
    {
        var at = _clock.Elapsed;
        Interlocked.Increment(ref _requests);
        try
        {
            // Not cancelled by Stop: a request under way is answered and counted. The API's own 503 with Retry-After
            // (its store or broker slower than its patience: DynamoDB Local on a starved machine) is asked again as
            // any HTTP client would, for up to 30 s, and counted apart; a restart's own failures (a refused or cut
            // connection, HAProxy's 502/503 without Retry-After, any other status) fail at once.
            var giveUpAt = _clock.Elapsed + TimeSpan.FromSeconds(30);
            var response = await _client.GetAsync(new Uri($"/postcode/{Uri.EscapeDataString(postcode)}", UriKind.Relative));
            while (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter?.Delta is { } wait &&
                   _clock.Elapsed + wait < giveUpAt)
            {
                response.Dispose();
                Interlocked.Increment(ref _askedAgain);
                await Task.Delay(wait);
                response = await _client.GetAsync(new Uri($"/postcode/{Uri.EscapeDataString(postcode)}", UriKind.Relative));
            }

            using var answered = response;
            var expected = hit ? HttpStatusCode.OK : HttpStatusCode.Accepted;
            if (response.StatusCode != expected)
            {
                _failures.Add($"{at.TotalSeconds:0.0} s: GET /postcode/{postcode} answered {(int)response.StatusCode}, expected {(int)expected}: " +
                              await response.Content.ReadAsStringAsync());
                return;
            }

            if (hit)
            {
                Interlocked.Increment(ref _hitCount);
            }
            else
            {
                var lookupId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid();
                _accepted[lookupId] = DateTime.UtcNow;
                _onAccepted?.Invoke(lookupId);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            _failures.Add($"{at.TotalSeconds:0.0} s: GET /postcode/{postcode} failed: {e.GetType().Name}: {e.Message}");
        }
    }
}

/// <param name="AcceptedAt">Each miss accepted (202), with when the client had the answer (UTC).</param>
public sealed record TrafficResult(int Requests, int Hits, int AskedAgainAfter503, TimeSpan Elapsed, double Rate, IReadOnlyDictionary<Guid, DateTime> AcceptedAt, IReadOnlyCollection<string> Failures)
{
    public IReadOnlyCollection<Guid> Accepted => [.. AcceptedAt.Keys];
}
