using EventDriven.Contracts;

namespace EventDriven.Persistence;

/// <summary>
/// A store (saga, results, registry) cannot be reached. The API answers 503 problem+json for it, readiness reports it,
/// and message endpoints wait it out (see <see cref="InfrastructureUnavailableException"/>); it never becomes a 500.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null)
    : InfrastructureUnavailableException(message, innerException);
