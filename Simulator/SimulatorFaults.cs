namespace EventDriven.Simulator;

/// <summary>
/// Switchable faults, changed at run time by tests or through <c>POST /_simulator/faults</c>.
/// An outage is a dead upstream (connection refused), not an HTTP status: 503 is reserved for the police API's
/// "more than 10,000 crimes" answer, and 500/502/504 come from <see cref="FaultSettings.ErrorRate"/>.
/// </summary>
public sealed class SimulatorFaults
{
    private readonly Lock _lock = new();
    private FaultSettings _settings = FaultSettings.None;

    public FaultSettings Current
    {
        get { lock (_lock) { return _settings; } }
        set { lock (_lock) { _settings = value; } }
    }

    private int _failNext;
    private int _failNextStatus = 500;

    /// <summary>Answers the next <paramref name="count"/> requests with <paramref name="status"/>: deterministic, unlike <see cref="FaultSettings.ErrorRate"/>.</summary>
    public void FailNext(int count, int status = 500)
    {
        lock (_lock)
        {
            _failNext = count;
            _failNextStatus = status;
        }
    }

    internal bool TryTakeForcedFailure(out int status)
    {
        lock (_lock)
        {
            status = _failNextStatus;
            if (_failNext <= 0)
            {
                return false;
            }

            _failNext--;
            return true;
        }
    }

    public void Reset()
    {
        Current = FaultSettings.None;
        FailNext(0);
    }
}

/// <param name="Latency">Added before every answer.</param>
/// <param name="ErrorRate">Fraction 0..1 of requests answered with a 500/502/504.</param>
/// <param name="Outage">Every request fails as if the host were down.</param>
/// <param name="Target">Which upstream the faults apply to.</param>
public sealed record FaultSettings(TimeSpan Latency, double ErrorRate, bool Outage, FaultTarget Target = FaultTarget.Both)
{
    public static readonly FaultSettings None = new(TimeSpan.Zero, 0, false);

    public bool AppliesTo(Upstream upstream) => Target == FaultTarget.Both || (int)Target == (int)upstream;
}

public enum FaultTarget
{
    PostcodesIo = 0,
    PoliceApi = 1,
    Both = 2,
}

public enum Upstream
{
    PostcodesIo = 0,
    PoliceApi = 1,
}
