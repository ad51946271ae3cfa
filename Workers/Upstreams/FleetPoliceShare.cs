using MassTransit;

namespace EventDriven.Workers.Upstreams;

/// <summary>
/// This process's share of the police API budget when several worker processes call it from one egress IP: the budget
/// (<c>Upstreams:PoliceApi:RequestsPerSecond</c>, <c>Burst</c>) is split evenly between the processes sharing it.
/// Each police request takes <see cref="PermitsPerRequest"/> tokens from the process's token bucket, so with N processes
/// each runs at 1/N of the rate and burst, and together they stay within the budget. One process (embedded mode, a
/// single worker) takes one token per request: the whole budget. <see cref="FleetBudgetMonitor"/> keeps N current.
/// <para>
/// Joining a fleet that is already calling at the full rate (a worker added by Auto Scaling under a backlog): the
/// others learn of the new worker only at their next count, so a worker that joins (<see cref="ForJoiningWorker"/>) makes
/// no police call until its <c>fetch-crimes</c> consumer has been counted for <see cref="JoinDelay"/>, and then starts
/// with an empty bucket (<see cref="Joined"/>): no burst on top of a fleet already at the full rate.
/// </para>
/// </summary>
public sealed class FleetPoliceShare : IReceiveEndpointObserver
{
    /// <summary>Two counts of every other worker: each has seen this one before it calls.</summary>
    public static readonly TimeSpan JoinDelay = FleetBudgetMonitor.RefreshInterval * 2;

    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _processes = 1;
    private int _joining;

    public FleetPoliceShare() => _joined.SetResult();

    private FleetPoliceShare(bool joining)
    {
        if (joining)
        {
            _joining = 1;
        }
        else
        {
            _joined.SetResult();
        }
    }

    /// <summary>Processes sharing the budget, this one included (at least 1).</summary>
    public int Processes => Volatile.Read(ref _processes);

    public int PermitsPerRequest => Processes;

    /// <summary>Completes when this process may call the police API (at once unless it joins a fleet).</summary>
    public Task Joined => _joined.Task;

    /// <summary>Raised when the share changes (for the log).</summary>
    public event Action<int, int>? Changed;

    /// <summary>Raised when the join delay is over, before the first call (the limiter empties its bucket).</summary>
    public event Action? JoinCompleted;

    /// <summary>A worker process that joins a fleet: police calls wait for the join (see the remarks).</summary>
    public static FleetPoliceShare ForJoiningWorker() => new(joining: true);

    /// <param name="processes">Live worker processes; values below 1 count as 1. Capped at <paramref name="max"/>
    /// (the bucket's size: a request can never need more tokens than the bucket holds).</param>
    public void Update(int processes, int max)
    {
        var clamped = Math.Clamp(processes, 1, Math.Max(1, max));
        var previous = Interlocked.Exchange(ref _processes, clamped);
        if (previous != clamped)
        {
            Changed?.Invoke(previous, clamped);
        }
    }

    /// <summary>The <c>fetch-crimes</c> consumer is live: the other workers count this one from now on.</summary>
    public Task Ready(ReceiveEndpointReady ready)
    {
        if (Interlocked.Exchange(ref _joining, 0) == 1)
        {
            _ = CompleteJoinAsync();
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;

    private async Task CompleteJoinAsync()
    {
        await Task.Delay(JoinDelay).ConfigureAwait(false);
        JoinCompleted?.Invoke();
        _joined.TrySetResult();
    }
}
