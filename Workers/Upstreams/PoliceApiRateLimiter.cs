using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Upstreams;

/// <summary>Which traffic a police request belongs to: it decides the request's priority at the budget.</summary>
public enum PoliceBudgetLane
{
    /// <summary>A live lookup's request: served first, may use the whole bucket.</summary>
    Live,

    /// <summary>A replayed dead letter's request (the <c>fetch-crimes-replay</c> lane): takes only what live traffic leaves.</summary>
    Replay,
}

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
/// <para>
/// Live lookups first (<see cref="PoliceBudgetLane"/>): a replayed request takes a token only while the bucket holds
/// more than <see cref="LiveReserve"/> tokens (checked with the bucket's own statistics and taken with
/// <see cref="RateLimiter.AttemptAcquire(int)"/>, which also refuses while a live request is queued), and never queues
/// in the bucket. So a live request finds a token at once as long as live traffic stays below the rate, and replays
/// take the rest: the rate minus live traffic, all of it when there is none. Replayed requests wait one at a time (their
/// own turn, so they never hold a client's live turn) and look again after each token the bucket adds.
/// </para>
/// </summary>
public sealed class PoliceApiRateLimiter : IDisposable
{
    /// <summary>The client whose lookup a police request serves, carried on the request (see <see cref="SetRequestedBy"/>).</summary>
    public static readonly HttpRequestOptionsKey<string> RequestedByOption = new("EventDriven.RequestedBy");

    /// <summary>The request's <see cref="PoliceBudgetLane"/>, carried on the request (see <see cref="SetRequestedBy"/>); absent means live.</summary>
    public static readonly HttpRequestOptionsKey<PoliceBudgetLane> LaneOption = new("EventDriven.PoliceBudgetLane");

    private readonly FleetPoliceShare _share;
    private readonly TimeProvider _time;
    private readonly TimeSpan _replenishmentPeriod;
    private readonly int _tokenLimit;

    private readonly PartitionedRateLimiter<string> _turns = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = 1,
            // The consumers' concurrency bounds how many wait; the request timeout bounds how long.
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));

    // One replayed request at a time looks for leftover tokens; the others wait here, outside the bucket.
    private readonly ConcurrencyLimiter _replayTurn = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = 1,
        QueueLimit = 10_000,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <param name="time">The clock a waiting replayed request looks again by (the bucket itself runs on its own timer).</param>
    public PoliceApiRateLimiter(IOptions<UpstreamOptions> options, FleetPoliceShare share, TimeProvider time)
    {
        _share = share;
        _time = time;
        var police = options.Value.PoliceApi;
        _tokenLimit = Math.Max(1, police.Burst / 2);
        _replenishmentPeriod = TimeSpan.FromSeconds(1 / police.RequestsPerSecond);
        Limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _tokenLimit,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = _replenishmentPeriod,
            // Waiting is fine (the consumer's concurrency bounds the queue); the request timeout bounds the wait.
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        // A worker joining a fleet at full rate starts with an empty bucket: its burst would come on top of theirs.
        share.JoinCompleted += () => Limiter.AttemptAcquire(_tokenLimit).Dispose();
    }

    public ReplenishingRateLimiter Limiter { get; }

    /// <summary>
    /// Tokens a replayed request leaves in the bucket for live ones: half the bucket, less when a request costs so many
    /// tokens (a large fleet share) that the reserve and one request would not fit (then 0: a replay takes only a full
    /// bucket's worth with no live request waiting).
    /// </summary>
    public int LiveReserve => Math.Max(0, Math.Min(_tokenLimit / 2, _tokenLimit - _share.PermitsPerRequest));

    public static void SetRequestedBy(HttpRequestMessage request, string? requestedBy, PoliceBudgetLane lane = PoliceBudgetLane.Live)
    {
        if (requestedBy is not null)
        {
            request.Options.Set(RequestedByOption, requestedBy);
        }

        if (lane != PoliceBudgetLane.Live)
        {
            request.Options.Set(LaneOption, lane);
        }
    }

    public static string? RequestedByOf(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(RequestedByOption, out var requestedBy) ? requestedBy : null;

    public static PoliceBudgetLane LaneOf(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(LaneOption, out var lane) ? lane : PoliceBudgetLane.Live;

    /// <summary>
    /// A permit for one police request: this process's share of the fleet's budget. A live request waits in its
    /// client's turn (requests of no known client share one turn); a replayed one waits for tokens beyond
    /// <see cref="LiveReserve"/> (see the remarks).
    /// </summary>
    public async ValueTask<RateLimitLease> AcquireAsync(string? requestedBy, PoliceBudgetLane lane, CancellationToken cancellationToken)
    {
        if (!_share.Joined.IsCompleted)
        {
            // A worker joining a fleet calls only once the others have counted it (FleetPoliceShare).
            await _share.Joined.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (lane == PoliceBudgetLane.Replay)
        {
            return await AcquireLeftoverAsync(cancellationToken).ConfigureAwait(false);
        }

        using var turn = await _turns.AcquireAsync(requestedBy ?? string.Empty, 1, cancellationToken).ConfigureAwait(false);
        // Past the turn's queue limit the request still gets a token, only without its turn: never a refusal here.
        return await Limiter.AcquireAsync(_share.PermitsPerRequest, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<RateLimitLease> AcquireLeftoverAsync(CancellationToken cancellationToken)
    {
        using var turn = await _replayTurn.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var permits = _share.PermitsPerRequest;
            if (Limiter.GetStatistics() is { } bucket && bucket.CurrentAvailablePermits >= LiveReserve + permits)
            {
                // Refused while a live request is queued (oldest first) or when one took the tokens in between.
                var lease = Limiter.AttemptAcquire(permits);
                if (lease.IsAcquired)
                {
                    return lease;
                }

                lease.Dispose();
            }

            // The bucket gains one token per period: look again then.
            await Task.Delay(_replenishmentPeriod, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _turns.Dispose();
        _replayTurn.Dispose();
        Limiter.Dispose();
    }
}
