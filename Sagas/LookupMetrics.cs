using System.Diagnostics.Metrics;

namespace EventDriven.Sagas;

/// <summary>Lookups by outcome, counted when the saga enters a finished state (CloudWatch alarms on Failed).</summary>
public sealed class LookupMetrics
{
    public const string MeterName = "EventDriven.Lookups";

    /// <summary>Every finished lookup, tagged with its state.</summary>
    public const string OutcomesInstrument = "lookups.outcomes";

    /// <summary>Failed lookups alone: the CloudWatch alarm on failures watches this one.</summary>
    public const string FailedInstrument = "lookups.failed";

    private readonly Counter<long> _outcomes;
    private readonly Counter<long> _failed;

    public LookupMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _outcomes = meter.CreateCounter<long>(OutcomesInstrument, description: "Lookups that reached a finished state, by state");
        _failed = meter.CreateCounter<long>(FailedInstrument, description: "Lookups that ended Failed");
    }

    public void Outcome(string state)
    {
        _outcomes.Add(1, new KeyValuePair<string, object?>("state", state));
        if (state == Contracts.LookupStatus.Failed)
        {
            _failed.Add(1);
        }
    }
}
