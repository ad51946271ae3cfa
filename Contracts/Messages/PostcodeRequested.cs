namespace EventDriven.Contracts.Messages;

/// <summary>The Postcode API accepted a lookup that the results store could not answer.</summary>
/// <param name="Postcode">Normalised form, e.g. <c>SW1A 1AA</c>.</param>
/// <param name="Months">
/// The police months the request needs (<c>YYYY-MM</c>), resolved by the API from the police's list; empty or null for
/// "the newest", when the API did not know the list.
/// </param>
/// <param name="PoliceDataUpdated">
/// The police's last data update the API judged freshness by (<see cref="Police.PolicePublication.DataUpdated"/>); null
/// when it did not know it.
/// </param>
/// <param name="RequestedBy">
/// The client who asked, as an opaque tag (a hash of its address, never the address): the attempt this request starts
/// counts against that client's lookups in flight, and its police requests queue in that client's turn.
/// </param>
/// <param name="Resume">Sent by a process recovering lookups whose commands died with it (the embedded process's
/// in-memory bus after a crash): the saga re-sends the command of an attempt under way at once, not only once it looks
/// stuck.</param>
public sealed record PostcodeRequested(
    Guid CorrelationId, string Postcode, DateTimeOffset RequestedAt, IReadOnlyList<string>? Months = null, string? PoliceDataUpdated = null,
    string? RequestedBy = null, bool Resume = false);
