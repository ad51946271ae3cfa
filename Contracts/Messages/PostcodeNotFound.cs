namespace EventDriven.Contracts.Messages;

/// <summary>The geocoder answered 404: <c>Invalid postcode</c> or <c>Postcode not found</c>.</summary>
public sealed record PostcodeNotFound(Guid CorrelationId, string Postcode, string Reason);
