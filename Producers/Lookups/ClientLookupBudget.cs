using System.Collections.Concurrent;
using EventDriven.Persistence;
using EventDriven.Producers.Http;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Lookups;

/// <summary>
/// How many lookups a client may have in flight (<see cref="PublicRateLimitOptions.LookupsInFlight"/>), across the
/// fleet: the store knows every attempt under way and whose request started it (the saga's <c>AttemptRequestedBy</c>; on
/// DynamoDB the sparse ByRequester index), whichever API instance accepted it and whichever worker runs it. The store
/// learns of a lookup only once the saga has taken its request (and DynamoDB's index a moment later), so this instance
/// also counts what it accepted in the last <see cref="StoreLag"/>: a burst cannot slip through before the store
/// catches up. Another instance's burst in that moment can; the workers' fair queue still keeps it from delaying others.
/// </summary>
public sealed class ClientLookupBudget(ILookupStateReader states, IOptions<PublicRateLimitOptions> options, TimeProvider time)
{
    /// <summary>Longer than a request takes to reach the saga and DynamoDB's index to show it.</summary>
    public static readonly TimeSpan StoreLag = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Recent> _recent = new(StringComparer.Ordinal);
    private int _calls;

    /// <summary>The most lookups a client may have in flight.</summary>
    public int Limit => options.Value.LookupsInFlight;

    /// <summary>Whether <paramref name="requestedBy"/> may start <paramref name="lookupId"/>; if so it is counted from now on.</summary>
    public async Task<bool> TryAdmitAsync(string requestedBy, Guid lookupId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        CleanUpNowAndThen(now);
        var inStore = await states.ListInFlightAsync(requestedBy, Limit + 1, cancellationToken).ConfigureAwait(false);

        var recent = _recent.GetOrAdd(requestedBy, _ => new Recent());
        lock (recent)
        {
            recent.Prune(now - StoreLag);
            var inFlight = new HashSet<Guid>(inStore);
            inFlight.UnionWith(recent.Ids);
            // Asking again for a lookup this client already has running adds no work.
            if (!inFlight.Contains(lookupId) && inFlight.Count >= Limit)
            {
                return false;
            }

            recent.Add(lookupId, now);
            return true;
        }
    }

    /// <summary>Forgets clients with nothing recent, every thousandth call (the map holds only the last moments' clients).</summary>
    private void CleanUpNowAndThen(DateTimeOffset now)
    {
        if (Interlocked.Increment(ref _calls) % 1000 != 0)
        {
            return;
        }

        foreach (var (client, recent) in _recent)
        {
            lock (recent)
            {
                recent.Prune(now - StoreLag);
                if (recent.Ids.Count == 0)
                {
                    _recent.TryRemove(new KeyValuePair<string, Recent>(client, recent));
                }
            }
        }
    }

    private sealed class Recent
    {
        private readonly Queue<(Guid Id, DateTimeOffset At)> _accepted = new();

        public HashSet<Guid> Ids { get; } = [];

        public void Add(Guid id, DateTimeOffset at)
        {
            if (Ids.Add(id))
            {
                _accepted.Enqueue((id, at));
            }
        }

        public void Prune(DateTimeOffset before)
        {
            while (_accepted.TryPeek(out var oldest) && oldest.At < before)
            {
                _accepted.Dequeue();
                Ids.Remove(oldest.Id);
            }
        }
    }
}
