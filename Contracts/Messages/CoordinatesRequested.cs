namespace EventDriven.Contracts.Messages;

/// <summary>The Coordinates API accepted a lookup; the point is already rounded to the lookup key's precision.</summary>
/// <param name="RequestedBy">The client who asked, as an opaque tag (see <see cref="PostcodeRequested"/>).</param>
public sealed record CoordinatesRequested(Guid CorrelationId, double Latitude, double Longitude, DateTimeOffset RequestedAt, string? RequestedBy = null);
