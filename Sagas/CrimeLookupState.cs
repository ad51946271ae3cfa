using MassTransit;

namespace EventDriven.Sagas;

/// <summary>
/// One instance per lookup key (its correlation id is derived from the key). The instance outlives a single
/// attempt: a stale or failed lookup starts a new attempt on the same instance.
/// </summary>
public class CrimeLookupState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    /// <summary>One of <see cref="Contracts.LookupStatus"/>, or MassTransit's <c>Initial</c> before the first event.</summary>
    public string CurrentState { get; set; } = string.Empty;

    /// <summary>Optimistic-locking version: incremented on every saved transition.</summary>
    public int Version { get; set; }

    /// <summary>Stored form of the lookup key (<c>postcode:SW1A 1AA</c> or <c>coordinates:51.501,-0.1416</c>).</summary>
    public string LookupKey { get; set; } = string.Empty;

    public string? Postcode { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public string? Country { get; set; }

    /// <summary>Police data month of the last completed attempt (<c>YYYY-MM</c>); the results store key with <see cref="LookupKey"/>.</summary>
    public string? Month { get; set; }
    public int? TotalCrimes { get; set; }
    public string? DataSource { get; set; }
    public string? FailureReason { get; set; }

    /// <summary>Attempts started on this instance (1 for the first).</summary>
    public int Attempts { get; set; }

    /// <summary>Requests received for this key, including duplicates answered by an attempt already under way.</summary>
    public long RequestCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset FirstRequestedAt { get; set; }
    public DateTimeOffset LastRequestedAt { get; set; }
    public DateTimeOffset? AttemptStartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>A copy for readers, so they never see an instance half-way through a transition.</summary>
    public CrimeLookupState Snapshot() => (CrimeLookupState)MemberwiseClone();
}
