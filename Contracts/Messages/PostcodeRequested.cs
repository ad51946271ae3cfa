namespace EventDriven.Contracts.Messages;

/// <summary>The Postcode API accepted a lookup that the results store could not answer.</summary>
/// <param name="Postcode">Normalised form, e.g. <c>SW1A 1AA</c>.</param>
/// <param name="Resume">Sent by a process recovering lookups whose commands died with it (the embedded process's
/// in-memory bus after a crash): the saga re-sends the command of an attempt under way at once, not only once it looks
/// stuck.</param>
public sealed record PostcodeRequested(Guid CorrelationId, string Postcode, DateTimeOffset RequestedAt, bool Resume = false);
