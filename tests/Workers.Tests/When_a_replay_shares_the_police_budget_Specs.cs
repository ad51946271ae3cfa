using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using EventDriven.Simulator;
using EventDriven.Workers.Upstreams;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Workers.Tests;

/// <summary>
/// Live lookups first at the police budget: a replayed request takes a token only while the bucket keeps
/// <see cref="PoliceApiRateLimiter.LiveReserve"/> for live ones, and gets what live traffic leaves. A waiting replay
/// looks again on a fake clock the spec advances; where the spec needs the bucket to stay as it is, its rate is one
/// token an hour (the bucket's refill runs on its own timer, which no fake clock reaches), and where it needs refills,
/// only the order of events is asserted, never how long they took.
/// </summary>
public sealed class When_a_replay_shares_the_police_budget_Specs
{
    // Burst 8: the bucket holds 4 tokens, 2 of them kept for live requests.
    private const int Burst = 8;
    private static readonly TimeSpan NoRefill = TimeSpan.FromHours(1);
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);

    private readonly TimerCountingTimeProvider _time = new();

    [Fact]
    public async Task Should_let_a_replay_take_only_the_tokens_above_the_live_reserve()
    {
        using var limiter = Limiter(NoRefill);
        Assert.Equal(2, limiter.LiveReserve);

        // A full bucket: two replayed requests take the surplus at once, the third waits at the reserve.
        AssertGrantedAtOnce(limiter.AcquireAsync("client-a", PoliceBudgetLane.Replay, CancellationToken.None));
        AssertGrantedAtOnce(limiter.AcquireAsync("client-a", PoliceBudgetLane.Replay, CancellationToken.None));
        var waiting = limiter.AcquireAsync("client-a", PoliceBudgetLane.Replay, CancellationToken.None).AsTask();
        await _time.WaitForTimersAsync(1);

        // It looks again after a period and still finds only the reserve.
        _time.Advance(NoRefill);
        await _time.WaitForTimersAsync(2);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(2, Available(limiter));
    }

    [Fact]
    public async Task Should_serve_live_requests_from_the_reserve_at_once_while_a_replay_waits_even_in_the_same_clients_name()
    {
        using var limiter = Limiter(NoRefill);
        Drain(limiter, to: limiter.LiveReserve);
        var replay = limiter.AcquireAsync("client-a", PoliceBudgetLane.Replay, CancellationToken.None).AsTask();
        await _time.WaitForTimersAsync(1);

        // The replay holds neither a token nor the client's turn: the client's live requests use the reserve at once.
        AssertGrantedAtOnce(limiter.AcquireAsync("client-a", PoliceBudgetLane.Live, CancellationToken.None));
        AssertGrantedAtOnce(limiter.AcquireAsync("client-b", PoliceBudgetLane.Live, CancellationToken.None));
        Assert.Equal(0, Available(limiter));

        _time.Advance(NoRefill);
        await _time.WaitForTimersAsync(2);
        Assert.False(replay.IsCompleted);
    }

    [Fact]
    public async Task Should_give_waiting_replays_the_tokens_once_live_traffic_stops()
    {
        // A real refill (20 tokens/s); the replays look again on the fake clock, advanced until they are served.
        using var limiter = Limiter(TimeSpan.FromMilliseconds(50));
        Drain(limiter, to: 0);
        var replays = Enumerable.Range(0, 3).Select(_ => limiter.AcquireAsync(null, PoliceBudgetLane.Replay, CancellationToken.None).AsTask()).ToList();

        var served = await AdvanceUntilAsync(Task.WhenAll(replays));

        Assert.All(served, lease => Assert.True(lease.IsAcquired));
    }

    [Fact]
    public async Task Should_serve_live_requests_queued_in_the_bucket_before_replays_that_waited_longer()
    {
        using var limiter = Limiter(TimeSpan.FromMilliseconds(50));
        Drain(limiter, to: 0);
        var granted = new ConcurrentQueue<string>();
        var replays = Enumerable.Range(0, 2).Select(i => Granted(limiter.AcquireAsync(null, PoliceBudgetLane.Replay, CancellationToken.None), $"replay-{i}", granted)).ToList();
        await _time.WaitForTimersAsync(1);
        var lives = Enumerable.Range(0, 3).Select(i => Granted(limiter.AcquireAsync($"client-{i}", PoliceBudgetLane.Live, CancellationToken.None), $"live-{i}", granted)).ToList();

        // Live requests get the bucket's next tokens as they come; the replays, there first, never queued in it.
        await Task.WhenAll(lives).WaitAsync(EventTimeout);
        await AdvanceUntilAsync(Task.WhenAll(replays));

        var order = granted.ToArray();
        Assert.Equal(["live-0", "live-1", "live-2"], order.Take(3).Order(StringComparer.Ordinal));
        Assert.Equal(["replay-0", "replay-1"], order.Skip(3).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(8, 7)]
    [InlineData(9, 6)]
    [InlineData(14, 1)]
    [InlineData(15, 0)]
    public void Should_keep_a_reserve_that_fits_beside_one_request_of_the_fleet_share(int processes, int reserve)
    {
        // The documented budget: the bucket holds 15 tokens; with N workers a request costs N of them.
        var share = new FleetPoliceShare();
        share.Update(processes, max: 15);
        using var limiter = new PoliceApiRateLimiter(
            Options.Create(new UpstreamOptions { PoliceApi = { RequestsPerSecond = 15, Burst = 30 } }), share, TimeProvider.System);

        Assert.Equal(reserve, limiter.LiveReserve);
        Assert.True(reserve + share.PermitsPerRequest <= 15);
    }

    [Fact]
    public async Task Should_carry_the_replay_lane_from_the_police_client_to_the_limiter()
    {
        // A rate so low the bucket gains no token during the spec: only the lane decides who is served.
        using var host = new UpstreamTestHost(new Dictionary<string, string?>
        {
            ["Upstreams:PoliceApi:RequestsPerSecond"] = (1 / NoRefill.TotalSeconds).ToString("R", CultureInfo.InvariantCulture),
            ["Upstreams:PoliceApi:Burst"] = Burst.ToString(CultureInfo.InvariantCulture),
        }, new SimulatorOptions { PoliceRequestsPerSecond = 15, PoliceBurst = 30 });
        var limiter = host.Get<PoliceApiRateLimiter>();
        var month = host.Simulator.AvailableMonths()[0];
        using var stop = new CancellationTokenSource();

        await host.Police.GetCrimesAroundAsync(52.0, -1.0, month, "client-a", PoliceBudgetLane.Replay, CancellationToken.None);
        await host.Police.GetCrimesAroundAsync(52.001, -1.0, month, "client-a", PoliceBudgetLane.Replay, CancellationToken.None);
        var waitingReplay = host.Police.GetCrimesAroundAsync(52.002, -1.0, month, "client-a", PoliceBudgetLane.Replay, stop.Token);
        await host.Police.GetCrimesAroundAsync(52.003, -1.0, month, "client-a", PoliceBudgetLane.Live, CancellationToken.None);
        await host.Police.GetCrimesAroundAsync(52.004, -1.0, month, "client-b", PoliceBudgetLane.Live, CancellationToken.None);

        Assert.Equal(4, host.Simulator.Stats.CrimesRequests);
        Assert.False(waitingReplay.IsCompleted);
        Assert.Equal(0, Available(limiter));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waitingReplay);
    }

    private PoliceApiRateLimiter Limiter(TimeSpan period) => new(
        Options.Create(new UpstreamOptions { PoliceApi = { RequestsPerSecond = 1 / period.TotalSeconds, Burst = Burst } }),
        new FleetPoliceShare(),
        _time);

    private static long Available(PoliceApiRateLimiter limiter) => limiter.Limiter.GetStatistics()!.CurrentAvailablePermits;

    private static void AssertGrantedAtOnce(ValueTask<RateLimitLease> acquire)
    {
        Assert.True(acquire.IsCompletedSuccessfully, "the request should have had a token at once");
        using var lease = acquire.Result;
        Assert.True(lease.IsAcquired);
    }

    private static void Drain(PoliceApiRateLimiter limiter, long to)
    {
        while (Available(limiter) > to)
        {
            limiter.Limiter.AttemptAcquire(1).Dispose();
        }
    }

    private static async Task Granted(ValueTask<RateLimitLease> acquire, string name, ConcurrentQueue<string> granted)
    {
        using var lease = await acquire;
        Assert.True(lease.IsAcquired);
        granted.Enqueue(name);
    }

    /// <summary>Lets the waiting replays look again, one fake period at a time, until <paramref name="served"/> completes.</summary>
    private async Task<T> AdvanceUntilAsync<T>(Task<T> served)
    {
        await AdvanceUntilAsync((Task)served);
        return await served;
    }

    private async Task AdvanceUntilAsync(Task served)
    {
        var deadline = DateTime.UtcNow + EventTimeout;
        while (!served.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the waiting replays were never served");
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(served, Task.Delay(10));
        }

        await served;
    }

    /// <summary>A fake clock that tells when a timer is armed: a waiting replay arms one each time it looks at the bucket.</summary>
    private sealed class TimerCountingTimeProvider : FakeTimeProvider
    {
        private int _timers;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }

        public async Task WaitForTimersAsync(int count)
        {
            var deadline = DateTime.UtcNow + EventTimeout;
            while (Volatile.Read(ref _timers) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"timer {count} was never armed: the replay did not look at the bucket again");
                await Task.Delay(5);
            }
        }
    }
}
