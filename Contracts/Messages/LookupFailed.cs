namespace EventDriven.Contracts.Messages;

/// <summary>A worker gave up on the lookup for a reason retrying cannot fix (e.g. an area too dense to query).</summary>
public sealed record LookupFailed(Guid CorrelationId, string Reason);
