namespace EventDriven.Contracts.Messages;

/// <summary>Command to the crimes worker: fetch the street crimes within a mile of the point for the months asked.</summary>
/// <param name="LookupKey">Stored form of the lookup key; each month's result is stored under it and the month.</param>
/// <param name="Postcode">The postcode asked for, when the lookup started from one.</param>
/// <param name="Months">The police months to have (<c>YYYY-MM</c>); empty or null for the newest the police list.</param>
/// <param name="PoliceForceArea">The postcode's police force area, carried into the result.</param>
/// <param name="RequestedBy">
/// The client whose request started the attempt (an opaque tag): the police requests wait in that client's turn, so one
/// client's backlog does not hold up another's.
/// </param>
public sealed record FetchCrimes(
    Guid CorrelationId, string LookupKey, double Latitude, double Longitude, string? Postcode,
    IReadOnlyList<string>? Months = null, string? PoliceForceArea = null, string? RequestedBy = null);
