using System.Net;
using EventDriven.Contracts;
using EventDriven.Contracts.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;
using Polly.Telemetry;
using Polly.Timeout;

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
        services.TryAddSingleton<UpstreamFailures>();
        services.TryAddSingleton<FleetPoliceShare>();
        services.TryAddSingleton<PoliceApiRateLimiter>();
        services.AddTransient<CrimeFetcher>();

        var postcodes = services.AddHttpClient<PostcodesIoClient>((sp, http) =>
                http.BaseAddress = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value.PostcodesIo.BaseUrl);
        postcodes.AddResilienceHandler(UpstreamMetrics.PostcodesIo, (pipeline, context) =>
            ConfigureCommon(pipeline, context.GetOptions<UpstreamOptions>(), Events(context.ServiceProvider, UpstreamMetrics.PostcodesIo), rateLimiter: null));
        postcodes.AddHttpMessageHandler(sp => AttemptHandler(sp, UpstreamMetrics.PostcodesIo));

        var police = services.AddHttpClient<PoliceApiClient>((sp, http) =>
                http.BaseAddress = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value.PoliceApi.BaseUrl);
        police.AddResilienceHandler(UpstreamMetrics.PoliceApi, (pipeline, context) =>
            ConfigureCommon(pipeline, context.GetOptions<UpstreamOptions>(), Events(context.ServiceProvider, UpstreamMetrics.PoliceApi),
                context.ServiceProvider.GetRequiredService<PoliceApiRateLimiter>()));
        police.AddHttpMessageHandler(sp => AttemptHandler(sp, UpstreamMetrics.PoliceApi));

        if (primaryHandler is not null)
        {
            postcodes.ConfigurePrimaryHttpMessageHandler(primaryHandler);
            police.ConfigurePrimaryHttpMessageHandler(primaryHandler);
        }

        // Polly's own telemetry logs every retry and attempt with its exception's stack trace (about 500 lines per failed
        // lookup); those events go to Debug, and the attempt handler and the pipeline events below log one line each.
        services.Configure<TelemetryOptions>(telemetry => telemetry.SeverityProvider = args =>
            args.Event.Severity >= ResilienceEventSeverity.Warning ? ResilienceEventSeverity.Debug : args.Event.Severity);
        return services;
    }

    private static UpstreamPipelineEvents Events(IServiceProvider services, string upstream) => new(
        upstream, services.GetRequiredService<UpstreamFailures>(), services.GetRequiredService<ILogger<UpstreamPipelineEvents>>());

    private static UpstreamAttemptHandler AttemptHandler(IServiceProvider services, string upstream) => new(
        services.GetRequiredService<UpstreamMetrics>(),
        services.GetRequiredService<UpstreamFailures>(),
        services.GetRequiredService<ILogger<UpstreamAttemptHandler>>(),
        upstream,
        // Without a history store (a host of the clients alone) attempts are counted and logged, not recorded.
        services.GetService<EventDriven.Persistence.History.ILookupHistory>() is { } history
            ? new History.UpstreamCallRecorder(history, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<History.UpstreamCallRecorder>>())
            : null);

    private static void ConfigureCommon(
        ResiliencePipelineBuilder<HttpResponseMessage> pipeline, UpstreamOptions options, UpstreamPipelineEvents events, PoliceApiRateLimiter? rateLimiter)
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
            OnOpened = args => events.CircuitOpened(args.BreakDuration),
            OnClosed = _ => events.CircuitClosed(),
        });
        if (rateLimiter is not null)
        {
            // Through the fleet share: with N worker processes each request costs N tokens (FleetPoliceShare).
            // Each attempt waits in its client's turn (PoliceApiRateLimiter): one client's backlog does not hold up another's;
            // a replayed request's attempt takes only what live requests leave.
            // The wait for the budget is noted on the request for the lookup's history (History.UpstreamCallRecorder).
            pipeline.AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = args => History.UpstreamCallRecorder.MeasureBudgetWait(
                    args.Context, ct => rateLimiter.AcquireAsync(
                        PoliceApiRateLimiter.RequestedByOf(args.Context.GetRequestMessage()), PoliceApiRateLimiter.LaneOf(args.Context.GetRequestMessage()), ct)),
            });
        }

        pipeline.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = TimeSpan.FromSeconds(10),
            OnTimeout = args => events.AttemptTimedOut(args.Timeout),
        });
    }

    /// <summary>
    /// The standard transient set (connection errors, timeouts, 408, 429, 5xx) except the police API's 503 for
    /// crimes, which means "more than 10,000 crimes": retrying cannot change it, so the caller splits the area.
    /// </summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        !(outcome.Result is { } response && MeansTooManyCrimes(response)) && HttpClientResiliencePredicates.IsTransient(outcome);

    /// <summary>data.police.uk's 503 for crimes: more than 10,000 in the area. An answer, not a failure.</summary>
    internal static bool MeansTooManyCrimes(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.ServiceUnavailable &&
        response.RequestMessage?.RequestUri?.AbsolutePath.Contains("/crimes-street/", StringComparison.Ordinal) == true;
}

/// <summary>One log line per pipeline event of an upstream (circuit opened or closed, an attempt timed out), no stack traces.</summary>
internal sealed partial class UpstreamPipelineEvents(string upstream, UpstreamFailures failures, ILogger<UpstreamPipelineEvents> logger)
{
    public ValueTask CircuitOpened(TimeSpan breakDuration)
    {
        LogCircuitOpened(logger, upstream, breakDuration.TotalSeconds, failures.OpenCircuit(upstream));
        return ValueTask.CompletedTask;
    }

    public ValueTask CircuitClosed()
    {
        LogCircuitClosed(logger, upstream);
        return ValueTask.CompletedTask;
    }

    public ValueTask AttemptTimedOut(TimeSpan timeout)
    {
        var cause = $"no answer within {timeout.TotalSeconds:0} s";
        failures.Record(upstream, cause);
        LogTimedOut(logger, upstream, cause);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Upstream}: {Reason}; calls are refused for {Seconds:0} s")]
    private static partial void LogCircuitOpened(ILogger logger, string upstream, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Upstream}: circuit closed, calls go through again")]
    private static partial void LogCircuitClosed(ILogger logger, string upstream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Upstream} attempt failed: {Cause}")]
    private static partial void LogTimedOut(ILogger logger, string upstream, string cause);
}
