namespace EventDriven.Contracts.Messages;

/// <summary>Command to the crimes worker: fetch last month's street crimes within a mile of the point.</summary>
/// <param name="LookupKey">Stored form of the lookup key; the result is stored under it and the month.</param>
/// <param name="Postcode">The postcode asked for, when the lookup started from one.</param>
/// <param name="RequestedBy">
/// The client whose request started the attempt (an opaque tag): the police requests wait in that client's turn, so one
/// client's backlog does not hold up another's.
/// </param>
public sealed record FetchCrimes(Guid CorrelationId, string LookupKey, double Latitude, double Longitude, string? Postcode, string? RequestedBy = null);
