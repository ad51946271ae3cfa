using System.Diagnostics;
using EventDriven.Persistence.History;
using Microsoft.Extensions.Logging;
using Polly;

namespace EventDriven.Workers.History;

/// <summary>
/// Writes each upstream attempt made while consuming a lookup's message into that lookup's history: method, URL
/// without credentials, status (or why there was none), duration, attempt number and the time it waited for the
/// police budget. A history write never fails or holds up the call for long: it is bounded and its errors are logged.
/// </summary>
public sealed partial class UpstreamCallRecorder(ILookupHistory history, TimeProvider time, ILogger<UpstreamCallRecorder> logger)
{
    /// <summary>How long a history write may hold up an upstream attempt before it is given up (and logged).</summary>
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    private static readonly HttpRequestOptionsKey<int> AttemptKey = new("EventDriven.Attempt");
    private static readonly HttpRequestOptionsKey<TimeSpan> BudgetWaitKey = new("EventDriven.BudgetWait");

    /// <summary>Query parameters whose values are never written down.</summary>
    private static readonly string[] SecretParameters = ["key", "token", "secret", "password", "signature", "sig", "apikey", "api_key", "access_token"];

    /// <summary>Counts an attempt of this request (the resilience pipeline sends the same request message on every retry).</summary>
    public static int NextAttempt(HttpRequestMessage request)
    {
        var attempt = (request.Options.TryGetValue(AttemptKey, out var previous) ? previous : 0) + 1;
        request.Options.Set(AttemptKey, attempt);
        return attempt;
    }

    /// <summary>Wraps the police budget's acquisition to note, on the request, how long the attempt waited for it.</summary>
    public static async ValueTask<System.Threading.RateLimiting.RateLimitLease> MeasureBudgetWait(
        ResilienceContext context, Func<CancellationToken, ValueTask<System.Threading.RateLimiting.RateLimitLease>> acquire)
    {
        var started = Stopwatch.GetTimestamp();
        var lease = await acquire(context.CancellationToken).ConfigureAwait(false);
        context.GetRequestMessage()?.Options.Set(BudgetWaitKey, Stopwatch.GetElapsedTime(started));
        return lease;
    }

    public async Task RecordAsync(string upstream, HttpRequestMessage request, int attempt, int status, string? error, TimeSpan elapsed)
    {
        if (CurrentLookup.Value is not { } message)
        {
            return; // not made for a lookup's message (a health probe, a test calling the client directly)
        }

        var budgetWait = request.Options.TryGetValue(BudgetWaitKey, out var wait) ? wait : TimeSpan.Zero;
        var entry = new UpstreamCallEntry(
            time.GetUtcNow() - elapsed, upstream, request.Method.Method, SafeUrl(request.RequestUri), status, error,
            Math.Round(elapsed.TotalMilliseconds, 1), attempt, Math.Round(budgetWait.TotalMilliseconds, 1), message.MessageId);
        using var timeout = new CancellationTokenSource(WriteTimeout);
        try
        {
            await history.AppendAsync(message.LookupId, entry, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogNotRecorded(logger, upstream, message.LookupId, e.Message);
        }
    }

    /// <summary>Scheme, host, port, path and query, without user info and with secret-looking query values replaced.</summary>
    internal static string SafeUrl(Uri? uri)
    {
        if (uri is null)
        {
            return "?";
        }

        if (!uri.IsAbsoluteUri)
        {
            return uri.OriginalString;
        }

        var query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            query = "?" + string.Join("&", query.Split('&').Select(part =>
            {
                var name = part.Split('=', 2)[0];
                return SecretParameters.Contains(Uri.UnescapeDataString(name), StringComparer.OrdinalIgnoreCase) ? $"{name}=***" : part;
            }));
        }

        return $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}{query}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Upstream} attempt for lookup {LookupId} not recorded in its history: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, string upstream, Guid lookupId, string reason);
}
