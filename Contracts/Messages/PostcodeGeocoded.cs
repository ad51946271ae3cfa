namespace EventDriven.Contracts.Messages;

/// <summary>The geocoder knows the postcode. Latitude/longitude can be null (postcodes.io has such entries).</summary>
/// <param name="Country">postcodes.io's <c>country</c> field: England, Wales, Scotland, Northern Ireland, …</param>
public sealed record PostcodeGeocoded(Guid CorrelationId, string Postcode, double? Latitude, double? Longitude, string? Country);
