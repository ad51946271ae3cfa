namespace EventDriven.Workers.Upstreams;

/// <summary>
/// This process's share of the police API budget when several worker processes call it from one egress IP: the budget
/// (<c>Upstreams:PoliceApi:RequestsPerSecond</c>, <c>Burst</c>) is split evenly between the processes sharing it.
/// Each police request takes <see cref="PermitsPerRequest"/> tokens from the process's token bucket, so with N processes
/// each runs at 1/N of the rate and burst, and together they stay within the budget. One process (embedded mode, a
/// single worker) takes one token per request: the whole budget. <see cref="FleetBudgetMonitor"/> keeps N current.
/// </summary>
public sealed class FleetPoliceShare
{
    private int _processes = 1;

    /// <summary>Processes sharing the budget, this one included (at least 1).</summary>
    public int Processes => Volatile.Read(ref _processes);

    public int PermitsPerRequest => Processes;

    /// <summary>Raised when the share changes (for the log).</summary>
    public event Action<int, int>? Changed;

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
}
