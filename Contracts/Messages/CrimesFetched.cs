namespace EventDriven.Contracts.Messages;

/// <summary>The crimes worker stored a result for the lookup key and month.</summary>
/// <param name="DataSource"><c>police.uk</c> or <c>simulated</c>.</param>
public sealed record CrimesFetched(Guid CorrelationId, string Month, int TotalCrimes, string DataSource);
