namespace EventDriven.Contracts.Messages;

/// <summary>The Coordinates API accepted a lookup; the point is already rounded to the lookup key's precision.</summary>
public sealed record CoordinatesRequested(Guid CorrelationId, double Latitude, double Longitude, DateTimeOffset RequestedAt);
