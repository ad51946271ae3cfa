using System.Diagnostics.Metrics;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// Counters of the DynamoDB stores, on the meter <see cref="MeterName"/> (exported by OpenTelemetry where the host adds it).
/// Version conflicts are the visible side of optimistic locking: each one is a retried event, not a lost update.
/// </summary>
public static class PersistenceMetrics
{
    public const string MeterName = "EventDriven.Persistence";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> SagaVersionConflicts = Meter.CreateCounter<long>(
        "eventdriven.saga.version_conflicts", unit: "{conflict}",
        description: "Saga writes refused because another event changed the instance first; the event is retried.");

    public static readonly Counter<long> SagaWriteRetries = Meter.CreateCounter<long>(
        "eventdriven.saga.write_retries", unit: "{retry}",
        description: "Saga writes sent again because the store did not answer (outage, timeout); the same write id makes each idempotent.");

    public static readonly Counter<long> SagaWrites = Meter.CreateCounter<long>(
        "eventdriven.saga.writes", unit: "{write}", description: "Saga instances inserted, updated or deleted.");
}
