using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Upstreams;

/// <summary>
/// The one police-API rate limiter of this process, shared by every request. It allows the configured rate but only
/// half the configured burst: the other half stays in reserve at the server, so clock phase and network jitter
/// between us and the server's leaky bucket never tip a request over the limit (zero 429s at full rate).
/// With several worker processes behind one IP each request costs <see cref="FleetPoliceShare.PermitsPerRequest"/>
/// tokens, so the fleet together stays within one budget.
/// <para>
/// Fair queuing per client: ahead of the shared token bucket each client has a turn (a concurrency limiter of one,
/// partitioned by the lookup's <c>RequestedBy</c>), so at most one request per client waits in the bucket's queue. A
/// client with a hundred requests waiting and a client with one are served in turn, not one after the other: a new
/// client's request waits for about one token per client ahead of it, however long the others' backlogs. The turn is
/// held only while waiting for a token, so a client alone still gets the whole rate.
/// </para>
/// </summary>
public sealed class PoliceApiRateLimiter : IDisposable
{
    /// <summary>The client whose lookup a police request serves, carried on the request (see <see cref="SetRequestedBy"/>).</summary>
    public static readonly HttpRequestOptionsKey<string> RequestedByOption = new("EventDriven.RequestedBy");

    private readonly FleetPoliceShare _share;

    private readonly PartitionedRateLimiter<string> _turns = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = 1,
            // The consumers' concurrency bounds how many wait; the request timeout bounds how long.
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));

    public PoliceApiRateLimiter(IOptions<UpstreamOptions> options, FleetPoliceShare share)
    {
        _share = share;
        var police = options.Value.PoliceApi;
        Limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, police.Burst / 2),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / police.RequestsPerSecond),
            // Waiting is fine (the consumer's concurrency bounds the queue); the request timeout bounds the wait.
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        // A worker joining a fleet at full rate starts with an empty bucket: its burst would come on top of theirs.
        share.JoinCompleted += () => Limiter.AttemptAcquire(Math.Max(1, police.Burst / 2)).Dispose();
    }

    public RateLimiter Limiter { get; }

    public static void SetRequestedBy(HttpRequestMessage request, string? requestedBy)
    {
        if (requestedBy is not null)
        {
            request.Options.Set(RequestedByOption, requestedBy);
        }
    }

    public static string? RequestedByOf(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(RequestedByOption, out var requestedBy) ? requestedBy : null;

    /// <summary>
    /// A permit for one police request: this process's share of the fleet's budget, waited for in the client's turn
    /// (requests of no known client share one turn).
    /// </summary>
    public async ValueTask<RateLimitLease> AcquireAsync(string? requestedBy, CancellationToken cancellationToken)
    {
        if (!_share.Joined.IsCompleted)
        {
            // A worker joining a fleet calls only once the others have counted it (FleetPoliceShare).
            await _share.Joined.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        using var turn = await _turns.AcquireAsync(requestedBy ?? string.Empty, 1, cancellationToken).ConfigureAwait(false);
        // Past the turn's queue limit the request still gets a token, only without its turn: never a refusal here.
        return await Limiter.AcquireAsync(_share.PermitsPerRequest, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _turns.Dispose();
        Limiter.Dispose();
    }
}
