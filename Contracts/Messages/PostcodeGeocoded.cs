namespace EventDriven.Contracts.Messages;

/// <summary>The geocoder knows the postcode. Latitude/longitude can be null (postcodes.io has such entries).</summary>
/// <param name="Country">postcodes.io's <c>country</c> field: England, Wales, Scotland, Northern Ireland, Channel Islands, Isle of Man.</param>
/// <param name="PoliceForceArea">postcodes.io's <c>pfa</c>: the police force area, e.g. <c>Metropolitan Police</c>; null where it has none.</param>
public sealed record PostcodeGeocoded(
    Guid CorrelationId, string Postcode, double? Latitude, double? Longitude, string? Country, string? PoliceForceArea = null);
