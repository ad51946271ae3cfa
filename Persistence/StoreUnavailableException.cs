namespace EventDriven.Persistence;

/// <summary>
/// A store (saga, results, registry) cannot be reached. The API answers 503 problem+json for it, readiness reports it,
/// and message endpoints retry; it never becomes a 500.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
