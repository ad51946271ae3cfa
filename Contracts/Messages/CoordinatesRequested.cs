namespace EventDriven.Contracts.Messages;

/// <summary>The Coordinates API accepted a lookup; the point is already rounded to the lookup key's precision.</summary>
/// <param name="Resume">As <see cref="PostcodeRequested.Resume"/>: re-send the command of an attempt under way at once.</param>
public sealed record CoordinatesRequested(Guid CorrelationId, double Latitude, double Longitude, DateTimeOffset RequestedAt, bool Resume = false);
