namespace EventDriven.Contracts.Messages;

/// <summary>A worker gave up on the lookup for a reason retrying cannot fix (e.g. an area too dense to query).</summary>
/// <param name="Reason">The detail, for operators and logs.</param>
/// <param name="Code">One of <see cref="LookupReasons"/>, what the public is told; absent in messages from before codes.</param>
public sealed record LookupFailed(Guid CorrelationId, string Reason, string? Code = null);
