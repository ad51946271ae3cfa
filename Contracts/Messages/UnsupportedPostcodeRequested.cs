namespace EventDriven.Contracts.Messages;

/// <summary>A postcode outside data.police.uk's coverage (Scotland) was asked for; feeds the unsupported-postcode registry.</summary>
public sealed record UnsupportedPostcodeRequested(Guid CorrelationId, string Postcode, string Country, DateTimeOffset RequestedAt);
