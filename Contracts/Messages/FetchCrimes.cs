namespace EventDriven.Contracts.Messages;

/// <summary>Command to the crimes worker: fetch last month's street crimes within a mile of the point.</summary>
/// <param name="LookupKey">Stored form of the lookup key; the result is stored under it and the month.</param>
/// <param name="Postcode">The postcode asked for, when the lookup started from one.</param>
public sealed record FetchCrimes(Guid CorrelationId, string LookupKey, double Latitude, double Longitude, string? Postcode);
