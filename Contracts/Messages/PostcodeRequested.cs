namespace EventDriven.Contracts.Messages;

/// <summary>The Postcode API accepted a lookup that the results store could not answer.</summary>
/// <param name="Postcode">Normalised form, e.g. <c>SW1A 1AA</c>.</param>
public sealed record PostcodeRequested(Guid CorrelationId, string Postcode, DateTimeOffset RequestedAt);
