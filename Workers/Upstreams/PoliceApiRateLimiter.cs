using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Upstreams;

/// <summary>
/// The one police-API rate limiter of this process, shared by every request. It allows the configured rate but only
/// half the configured burst: the other half stays in reserve at the server, so clock phase and network jitter
/// between us and the server's leaky bucket never tip a request over the limit (zero 429s at full rate).
/// With several worker processes behind one IP each request costs <see cref="FleetPoliceShare.PermitsPerRequest"/>
/// tokens, so the fleet together stays within one budget.
/// </summary>
public sealed class PoliceApiRateLimiter : IDisposable
{
    private readonly FleetPoliceShare _share;

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

    /// <summary>A permit for one police request: this process's share of the fleet's budget.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken)
    {
        if (!_share.Joined.IsCompleted)
        {
            await _share.Joined.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await Limiter.AcquireAsync(_share.PermitsPerRequest, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => Limiter.Dispose();
}
