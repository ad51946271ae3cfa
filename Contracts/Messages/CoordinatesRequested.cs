namespace EventDriven.Contracts.Messages;

/// <summary>The Coordinates API accepted a lookup; the point is already rounded to the lookup key's precision.</summary>
/// <param name="Months">The police months the request needs; empty or null for "the newest" (see <see cref="PostcodeRequested"/>).</param>
/// <param name="PoliceDataUpdated">The police's last data update the API judged freshness by; null when it did not know it.</param>
/// <param name="RequestedBy">The client who asked, as an opaque tag (see <see cref="PostcodeRequested"/>).</param>
/// <param name="Resume">As <see cref="PostcodeRequested.Resume"/>: re-send the command of an attempt under way at once.</param>
public sealed record CoordinatesRequested(
    Guid CorrelationId, double Latitude, double Longitude, DateTimeOffset RequestedAt, IReadOnlyList<string>? Months = null, string? PoliceDataUpdated = null,
    string? RequestedBy = null, bool Resume = false);
