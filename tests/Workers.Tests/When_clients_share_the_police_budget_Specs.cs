using System.Collections.Concurrent;
using EventDriven.Workers.Upstreams;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Tests;

/// <summary>
/// Fair queuing ahead of the police budget: a client with a long backlog and a client with one new request are served
/// in turn, so the newcomer waits for about one token per client ahead of it, not for the whole backlog.
/// </summary>
public sealed class When_clients_share_the_police_budget_Specs
{
    [Fact]
    public async Task Should_serve_a_new_client_within_a_turn_of_a_busy_client_not_after_its_backlog()
    {
        using var limiter = Limiter(requestsPerSecond: 10);
        var granted = new ConcurrentQueue<string>();

        var busy = Enumerable.Range(0, 20).Select(i => AcquireAsync(limiter, "busy-client", $"busy-{i}", granted)).ToList();
        await WaitUntil(() => !granted.IsEmpty); // the busy client's backlog is queued and its first request served
        var newcomer = AcquireAsync(limiter, "new-client", "new", granted);
        await Task.WhenAll([.. busy, newcomer]);

        var order = granted.ToList();
        Assert.InRange(order.IndexOf("new"), 1, 3);
    }

    [Fact]
    public async Task Should_give_a_client_alone_the_whole_rate()
    {
        using var limiter = Limiter(requestsPerSecond: 50);
        var granted = new ConcurrentQueue<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => AcquireAsync(limiter, "only-client", $"r{i}", granted)));

        // 50 tokens at 50/s take about a second; one at a time per client must not slow that down to a crawl.
        Assert.Equal(50, granted.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static PoliceApiRateLimiter Limiter(double requestsPerSecond) =>
        new(Options.Create(new UpstreamOptions { PoliceApi = { RequestsPerSecond = requestsPerSecond, Burst = 2 } }), new FleetPoliceShare(), TimeProvider.System);

    private static async Task AcquireAsync(PoliceApiRateLimiter limiter, string client, string name, ConcurrentQueue<string> granted)
    {
        using var lease = await limiter.AcquireAsync(client, PoliceBudgetLane.Live, CancellationToken.None);
        Assert.True(lease.IsAcquired);
        granted.Enqueue(name);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }
}
