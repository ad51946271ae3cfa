using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Sagas;
using MassTransit;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// Accepted lookups in the saga table every API instance reads. A new lookup becomes an item in MassTransit's
/// <c>Initial</c> state (<see cref="CrimeLookupState.Accepted"/>), inserted only if there is none: the saga loads it
/// and starts it as a new instance. A new attempt at a finished lookup marks its item with
/// <see cref="SagaItemAttributes.AcceptedAt"/>, which the saga's next write drops (it writes whole items).
/// </summary>
public sealed class DynamoDbAcceptedLookups(DynamoDbSagaStore<CrimeLookupState> store) : IAcceptedLookups
{
    /// <summary>
    /// The API answers within seconds: an unanswered record is sent again for this long, then the request gets 503
    /// (sending it again is harmless: the saga counts duplicates, it does not re-run them). Long enough for a store
    /// that is slow rather than away: one attempt may take the client's whole request timeout (3 s) and still be
    /// applied, and a rolling restart on a loaded host made 2 s turn 6-8 % of the accepted requests into 503s.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(8);

    /// <remarks>
    /// A new lookup's item carries the client (the ByRequester index), so another API instance counts it among the
    /// client's lookups in flight within the index's lag rather than once the saga has started it; the saga's attempt
    /// then keeps it until the lookup finishes, and the stuck sweep drives an item whose request never arrived. A new
    /// attempt at a finished lookup is not marked so: if its request were lost, the finished item would charge the
    /// client for good.
    /// </remarks>
    public async Task RecordAsync(LookupKey key, LookupSnapshot? seen, DateTimeOffset acceptedAt, string? requestedBy, CancellationToken cancellationToken = default)
    {
        if (seen is null || !seen.IsStarted)
        {
            try
            {
                await store.InsertAsync(CrimeLookupState.Accepted(key, acceptedAt, requestedBy), Patience, cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyException)
            {
                // The saga (or another API instance) created it first: it is in the store either way.
            }
        }
        else if (LookupStatus.IsTerminal(seen.Status))
        {
            await store.MarkAcceptedAsync(key.CorrelationId, acceptedAt, Patience, cancellationToken).ConfigureAwait(false);
        }
    }
}
