using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Admin;

/// <summary>
/// Wrong admin keys per client: a token bucket per client (System.Threading.RateLimiting's partitioned limiter) that
/// each wrong key drains and the minute refills. An empty bucket locks the client out of <c>/admin/*</c> until it
/// refills. Per API instance: with N instances behind the load balancer a client gets at most N times the allowance,
/// still a few dozen guesses a minute against a key of 32+ random characters.
/// </summary>
public sealed class FailedKeyAttempts : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public FailedKeyAttempts(IOptions<AdminOptions> options)
    {
        var allowance = options.Value.FailedKeyAttemptsPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = allowance,
            TokensPerPeriod = allowance,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>True while the client has used up its wrong keys; <paramref name="retryAfter"/> says for how long.</summary>
    public bool IsLockedOut(string client, out TimeSpan retryAfter)
    {
        // Zero permits only looks: it takes nothing from the bucket.
        using var lease = _limiter.AttemptAcquire(client, permitCount: 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return !lease.IsAcquired;
    }

    /// <summary>Counts a wrong key.</summary>
    /// <returns>Wrong keys the client may still send this minute (0: it is now locked out).</returns>
    public long RecordFailure(string client)
    {
        using var lease = _limiter.AttemptAcquire(client, permitCount: 1);
        return lease.IsAcquired ? _limiter.GetStatistics(client)?.CurrentAvailablePermits ?? 0 : 0;
    }

    public void Dispose() => _limiter.Dispose();
}
