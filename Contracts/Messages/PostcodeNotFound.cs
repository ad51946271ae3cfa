namespace EventDriven.Contracts.Messages;

/// <summary>The geocoder answered 404 about the postcode: <c>Invalid postcode</c>, <c>Postcode not found</c>, or terminated.</summary>
/// <param name="Reason">postcodes.io's words, or for a terminated postcode <see cref="LookupReasons.Terminated"/>'s.</param>
public sealed record PostcodeNotFound(Guid CorrelationId, string Postcode, string Reason);
