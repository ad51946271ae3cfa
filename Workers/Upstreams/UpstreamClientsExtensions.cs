using System.Net;
using EventDriven.Contracts;
using EventDriven.Contracts.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;

namespace EventDriven.Workers.Upstreams;

public static class UpstreamClientsExtensions
{
    /// <summary>
    /// Typed clients for postcodes.io and data.police.uk, each behind a resilience pipeline:
    /// total timeout → retry (honours Retry-After, jittered backoff) → circuit breaker → [police: shared rate limiter] → attempt timeout.
    /// A <paramref name="primaryHandler"/> (the offline demo's simulator) replaces the network under the whole pipeline.
    /// </summary>
    public static IServiceCollection AddUpstreamClients(
        this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, HttpMessageHandler>? primaryHandler = null)
    {
        if (primaryHandler is null && configuration.GetValue<bool>($"{UpstreamOptions.SectionName}:{nameof(UpstreamOptions.Simulate)}"))
        {
            // The simulator is composed into the embedded process only; a worker fleet talks to a simulator on a port.
            throw new InvalidOperationException(
                $"{ConfigurationKeys.UpstreamsSimulate}=true is the embedded offline demo (Producers with the in-memory bus). " +
                $"For separate processes run SimulatorServer and point {ConfigurationKeys.UpstreamsPostcodesIoBaseUrl} and " +
                $"{ConfigurationKeys.UpstreamsPoliceApiBaseUrl} at it.");
        }

        services.AddValidatedOptions<UpstreamOptions, UpstreamOptionsValidator>(configuration, UpstreamOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UpstreamMetrics>();
        services.TryAddSingleton<FleetPoliceShare>();
        services.TryAddSingleton<PoliceApiRateLimiter>();
        services.TryAddSingleton<PoliceMonthCache>();
        services.AddTransient<CrimeFetcher>();

        var postcodes = services.AddHttpClient<PostcodesIoClient>((sp, http) =>
                http.BaseAddress = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value.PostcodesIo.BaseUrl);
        postcodes.AddResilienceHandler("postcodes-io", (pipeline, context) =>
            ConfigureCommon(pipeline, context.GetOptions<UpstreamOptions>(), rateLimiter: null));
        postcodes.AddHttpMessageHandler(sp => new UpstreamMetricsHandler(sp.GetRequiredService<UpstreamMetrics>(), UpstreamMetrics.PostcodesIo));

        var police = services.AddHttpClient<PoliceApiClient>((sp, http) =>
                http.BaseAddress = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value.PoliceApi.BaseUrl);
        police.AddResilienceHandler("police-api", (pipeline, context) =>
            ConfigureCommon(pipeline, context.GetOptions<UpstreamOptions>(), context.ServiceProvider.GetRequiredService<PoliceApiRateLimiter>()));
        police.AddHttpMessageHandler(sp => new UpstreamMetricsHandler(sp.GetRequiredService<UpstreamMetrics>(), UpstreamMetrics.PoliceApi));

        if (primaryHandler is not null)
        {
            postcodes.ConfigurePrimaryHttpMessageHandler(primaryHandler);
            police.ConfigurePrimaryHttpMessageHandler(primaryHandler);
        }

        return services;
    }

    private static void ConfigureCommon(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, UpstreamOptions options, PoliceApiRateLimiter? rateLimiter)
    {
        pipeline.AddTimeout(TimeSpan.FromSeconds(60));
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = TimeSpan.FromSeconds(15),
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
        });
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 20,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(10),
            // A 429 is the budget talking, not the upstream failing: it must not open the breaker.
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome) && args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests),
        });
        if (rateLimiter is not null)
        {
            // Through the fleet share: with N worker processes each request costs N tokens (FleetPoliceShare).
            pipeline.AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = args => rateLimiter.AcquireAsync(args.Context.CancellationToken) });
        }

        pipeline.AddTimeout(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// The standard transient set (connection errors, timeouts, 408, 429, 5xx) except the police API's 503 for
    /// crimes, which means "more than 10,000 crimes": retrying cannot change it, so the caller splits the area.
    /// </summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Result is { StatusCode: HttpStatusCode.ServiceUnavailable } response &&
            response.RequestMessage?.RequestUri?.AbsolutePath.Contains("/crimes-street/", StringComparison.Ordinal) == true)
        {
            return false;
        }

        return HttpClientResiliencePredicates.IsTransient(outcome);
    }
}
