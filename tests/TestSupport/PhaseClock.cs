using System.Diagnostics;
using System.Text.Json;

namespace EventDriven.TestSupport;

/// <summary>
/// Police requests served and 429s per phase, read from the simulator (what data.police.uk would count). Phases end
/// on the police requests served (events, not time), so a slow machine only makes them longer. Used by the workers'
/// join-and-leave spec and bench/DistributedBench.
/// </summary>
public sealed class PhaseClock(DistributedSystem system)
{
    private readonly Stopwatch _clock = new();
    private long _served;
    private long _throttled;
    private TimeSpan _started;
    private DateTime _startedAt;

    public List<PolicePhase> Phases { get; } = [];

    /// <summary>
    /// The worker Auto Scaling group growing and shrinking under a backlog already queued: one worker until 100 police
    /// requests, a second joins (75 more), a third (75 more), then the first is stopped with SIGTERM and the last phase
    /// runs until <paramref name="finished"/> completes. Each joining phase runs from the previous one's end (the start-up
    /// included). Used by the workers' join-and-leave spec and bench/DistributedBench.
    /// </summary>
    public static async Task<WorkersJoinedAndLeft<T>> RunWorkersJoiningAndLeavingAsync<T>(DistributedSystem system, Func<Task<T>> finished)
    {
        var phases = new PhaseClock(system);
        var first = await system.StartConsumersAsync().ConfigureAwait(false);
        await phases.StartAtTheFirstPoliceRequestAsync().ConfigureAwait(false);
        await phases.RunForAsync("1 worker", policeRequests: 100).ConfigureAwait(false);

        await system.StartConsumersAsync().ConfigureAwait(false);
        await phases.RunForAsync("2 workers (one joined)", policeRequests: 75).ConfigureAwait(false);

        await system.StartConsumersAsync().ConfigureAwait(false);
        await phases.RunForAsync("3 workers (one joined)", policeRequests: 75).ConfigureAwait(false);

        first.Terminate();
        var exited = await first.WaitForExitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        var result = await phases.RunToTheLastPoliceRequestAsync("2 workers (one stopped with SIGTERM)", finished).ConfigureAwait(false);
        return new WorkersJoinedAndLeft<T>(phases.Phases, result, exited, exited ? first.ExitCode : null);
    }

    public async Task StartAtTheFirstPoliceRequestAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while ((await ReadAsync()).Served == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no police request within 3 minutes of the first worker's start");
            await Task.Delay(50);
        }

        _clock.Start();
        _startedAt = DateTime.UtcNow;
    }

    /// <summary>The last phase: until <paramref name="finished"/> completes, timed to the last police request seen.</summary>
    public async Task<T> RunToTheLastPoliceRequestAsync<T>(string phase, Func<Task<T>> finished)
    {
        var lastServed = _served;
        var lastRequestAt = _clock.Elapsed;
        var waiting = finished();
        while (!waiting.IsCompleted)
        {
            var (served, _) = await ReadAsync();
            if (served != lastServed)
            {
                (lastServed, lastRequestAt) = (served, _clock.Elapsed);
            }

            await Task.WhenAny(waiting, Task.Delay(100));
        }

        var result = await waiting;
        await EndAsync(phase, lastRequestAt);
        return result;
    }

    /// <summary>Until <paramref name="policeRequests"/> more police requests have been served from now.</summary>
    public async Task RunForAsync(string phase, long policeRequests)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        var until = (await ReadAsync()).Served + policeRequests;
        while ((await ReadAsync()).Served < until)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{phase}: fewer than {policeRequests} police requests after 3 minutes");
            await Task.Delay(100);
        }

        await EndAsync(phase);
    }

    private async Task EndAsync(string phase, TimeSpan? endedAt = null)
    {
        var (served, throttled) = await ReadAsync();
        var ended = endedAt ?? _clock.Elapsed;
        var endedAtUtc = DateTime.UtcNow - (_clock.Elapsed - ended);
        Phases.Add(new PolicePhase(phase, served - _served, throttled - _throttled, ended - _started, _startedAt, endedAtUtc));
        (_served, _throttled, _started, _startedAt) = (served, throttled, ended, endedAtUtc);
    }

    private async Task<(long Served, long Throttled)> ReadAsync()
    {
        var stats = await system.Simulator.GetJsonAsync<JsonElement>("/_simulator/stats");
        return (stats.GetProperty("crimesRequests").GetInt64() + stats.GetProperty("datesRequests").GetInt64(), stats.GetProperty("throttled").GetInt64());
    }
}

/// <summary>One phase of a <see cref="PhaseClock"/>: police requests served and 429s between two moments (UTC).</summary>
public sealed record PolicePhase(string Name, long PoliceRequests, long Throttled, TimeSpan Elapsed, DateTime StartedAt, DateTime EndedAt)
{
    public double Rate => PoliceRequests / Elapsed.TotalSeconds;

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Name}: {PoliceRequests} police requests in {Elapsed.TotalSeconds:0.0} s = {Rate:0.00} req/s, {Throttled} x 429");
}

/// <summary>What <see cref="PhaseClock.RunWorkersJoiningAndLeavingAsync"/> saw.</summary>
/// <param name="StoppedExitCode">The SIGTERMed worker's exit code; null when it did not exit within 60 s.</param>
public sealed record WorkersJoinedAndLeft<T>(IReadOnlyList<PolicePhase> Phases, T Result, bool StoppedExited, int? StoppedExitCode);
