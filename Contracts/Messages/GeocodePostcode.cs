namespace EventDriven.Contracts.Messages;

/// <summary>Command to the geocoding worker: find the point of this postcode.</summary>
public sealed record GeocodePostcode(Guid CorrelationId, string Postcode);
