using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.TestSupport;
using Xunit.Abstractions;

namespace EventDriven.Distributed.Tests;

/// <summary>
/// A rolling deploy behind a real load balancer (HAProxy, round robin, health-checked on <c>/health/ready</c> like the
/// ALB): two API instances and two workers are stopped with SIGTERM and started again one at a time while a client
/// sends cache hits and misses through the balancer. Each API leaves the way the balancer expects (not ready first,
/// then drain), so no client request fails, and every accepted lookup finishes.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class When_the_fleet_is_restarted_one_process_at_a_time_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit, ITestOutputHelper output)
    : IClassFixture<RabbitMqNodeFixture>
{
    /// <summary>Two failed checks 500 ms apart take a server out; the API stays ready-but-serving well beyond that.</summary>
    private static readonly IReadOnlyDictionary<string, string> BehindTheBalancer = new Dictionary<string, string> { ["Shutdown__DrainDelay"] = "00:00:03" };

    [Fact]
    public async Task Should_fail_no_client_request_and_finish_every_accepted_lookup()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        var workers = (await Task.WhenAll(system.StartConsumersAsync(), system.StartConsumersAsync())).ToList();
        var ports = new[] { FreePort.Next(), FreePort.Next() };
        var apis = (await Task.WhenAll(ports.Select(p => system.StartProducersAsync(BehindTheBalancer, p)))).ToList();
        await using var balancer = await HaProxy.StartAsync(ports);
        using var client = new HttpClient { BaseAddress = balancer.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        // Cache hits: lookups already completed (a dense area's clear failure is not one).
        var primed = new Dictionary<Guid, string>();
        foreach (var postcode in Lookups.Postcodes(20, offset: 15000))
        {
            primed[await Lookups.AcceptAsync(client, postcode)] = postcode;
        }

        var answered = await Lookups.WaitForAsync(client, primed.Keys, TimeSpan.FromSeconds(120));
        var hits = answered.Where(a => a.Value.GetProperty("status").GetString() == "Completed").Select(a => primed[a.Key]).ToList();
        Assert.True(hits.Count >= 10, $"only {hits.Count} of 20 lookups completed to serve as cache hits");

        await using var traffic = RollingTraffic.Start(client, hits, Lookups.Postcodes(5000, offset: 15100));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < apis.Count; i++)
        {
            output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s: SIGTERM to API {i + 1}");
            apis[i].Terminate();
            Assert.True(await apis[i].WaitForExitAsync(TimeSpan.FromSeconds(60)), $"API {i + 1} did not exit");
            Assert.Equal(0, apis[i].ExitCode);
            apis[i] = await system.StartProducersAsync(BehindTheBalancer, ports[i]);
            await balancer.WaitUntilAsync(i, "UP", TimeSpan.FromSeconds(60));
            output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s: API {i + 1} back in the balancer");
        }

        for (var i = 0; i < workers.Count; i++)
        {
            output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s: SIGTERM to worker {i + 1}");
            workers[i].Terminate();
            Assert.True(await workers[i].WaitForExitAsync(TimeSpan.FromSeconds(60)), $"worker {i + 1} did not exit");
            workers[i] = await system.StartConsumersAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s: worker {i + 1} back");
        }

        var result = await traffic.StopAsync();
        output.WriteLine($"client: {result.Requests} requests in {result.Elapsed.TotalSeconds:0.0} s = {result.Rate:0.0} req/s " +
                         $"({result.Hits} hits answered 200, {result.Accepted.Count} misses accepted 202), {result.Failures.Count} failed, " +
                         $"{result.AskedAgainAfter503} asked again after the API's 503 with Retry-After");
        Assert.True(result.Failures.Count == 0, "failed client requests during the rolling restart:\n" + string.Join("\n", result.Failures.Take(20)));
        Assert.True(result.Rate >= 20, $"the client managed only {result.Rate:0.0} req/s: the test did not load the fleet as asked");

        Lookups.AssertCompleted(await Lookups.WaitForAsync(client, result.Accepted.ToList(), TimeSpan.FromSeconds(180)));
    }

    /// <summary>
    /// An open-loop client: a request every 45 ms (22 req/s) whatever the answers' latency (a slow fleet means more
    /// requests in flight, not fewer sent), alternately a cache hit and a miss (a postcode never asked before). Any
    /// 5xx, unexpected status or connection error is a failure.
    /// </summary>
    private sealed class RollingTraffic : IAsyncDisposable
    {
        private static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(45);

        private readonly CancellationTokenSource _stop = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ConcurrentBag<string> _failures = [];
        private readonly ConcurrentBag<Guid> _accepted = [];
        private readonly ConcurrentQueue<string> _misses;
        private readonly ConcurrentBag<Task> _sent = [];
        private readonly IReadOnlyList<string> _hits;
        private readonly HttpClient _client;
        private readonly Task _running;
        private int _requests;
        private int _hitCount;
        private int _askedAgain;

        private RollingTraffic(HttpClient client, IReadOnlyList<string> hits, IEnumerable<string> misses)
        {
            _client = client;
            _hits = hits;
            _misses = new ConcurrentQueue<string>(misses);
            _running = RunAsync();
        }

        public static RollingTraffic Start(HttpClient client, IReadOnlyList<string> hits, IEnumerable<string> misses) => new(client, hits, misses);

        public async Task<TrafficResult> StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
            var elapsed = _clock.Elapsed;
            await Task.WhenAll(_sent); // every request sent is answered and counted
            return new TrafficResult(_requests, _hitCount, _askedAgain, elapsed, _requests / elapsed.TotalSeconds, [.. _accepted], [.. _failures]);
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
                    _accepted.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid());
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                _failures.Add($"{at.TotalSeconds:0.0} s: GET /postcode/{postcode} failed: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private sealed record TrafficResult(int Requests, int Hits, int AskedAgainAfter503, TimeSpan Elapsed, double Rate, IReadOnlyCollection<Guid> Accepted, IReadOnlyCollection<string> Failures);
}
