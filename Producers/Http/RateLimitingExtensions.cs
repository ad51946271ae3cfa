using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using EventDriven.Contracts.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Http;

/// <summary>Configuration section <c>RateLimiting</c>: the per-client budget of the public endpoints.</summary>
public sealed class PublicRateLimitOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>Sustained requests per second per client address.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 10;

    /// <summary>Requests a client may send at once.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 20;

    /// <summary>
    /// Lookups a client may have in flight: started by its requests and not finished, across every API instance. A
    /// request that would start one more is answered 429 with Retry-After; answers from the store, and requests for a
    /// lookup already under way, are not limited.
    /// </summary>
    [Range(1, 100_000)]
    public int LookupsInFlight { get; set; } = 10;
}

/// <summary>Checks <see cref="PublicRateLimitOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class PublicRateLimitOptionsValidator : IValidateOptions<PublicRateLimitOptions>;

public static class RateLimitingExtensions
{
    public const string PublicPolicy = "public";

    /// <summary>
    /// A token bucket per client (<see cref="ClientPartition"/>: the address the trusted proxies saw) on the public
    /// endpoints, answering 429 problem+json with Retry-After. Behind proxies set <c>ForwardedHeaders__KnownNetworks</c>
    /// (<see cref="TrustedProxies"/>), or every caller shares the proxy's bucket.
    /// </summary>
    public static IServiceCollection AddPublicRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PublicRateLimitOptions, PublicRateLimitOptionsValidator>(configuration, PublicRateLimitOptions.SectionName);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<PublicRateLimitOptions>>((limiter, validated) =>
        {
            var options = validated.Value;
            limiter.AddPolicy(PublicPolicy, http => RateLimitPartition.GetTokenBucketLimiter(
                ClientPartition.Of(http),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = options.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"At most {options.PermitsPerSecond} requests per second (bursts of {options.Burst}) per client; retry after the Retry-After header.",
                    },
                });
            };
        });
        return services;
    }
}
