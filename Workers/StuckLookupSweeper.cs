using EventDriven.Contracts;
using EventDriven.Hosting;
using EventDriven.Persistence;
using EventDriven.Sagas;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers;

/// <summary>
/// Completes the saga's stuck-attempt rule without waiting for a client to ask again. The saga sends its commands
/// through an in-memory outbox after saving its state; if the process dies or the broker goes away in between, the
/// event is retried, finds the new state and changes nothing, and the command is gone. Such a lookup stays in
/// <c>Geocoding</c> or <c>FetchingCrimes</c> with an old attempt time; a lookup an API accepted whose request never
/// reached a saga stays in <c>Initial</c>. This sweep sends their request again; the saga sees a stuck attempt and
/// re-sends the command (once per <c>Lookups:StuckAfter</c>, however many processes sweep). It sweeps once when the
/// process has started, then every <c>Workers:StuckSweepInterval</c>.
/// </summary>
public sealed partial class StuckLookupSweeper(
    ILookupStateReader states,
    IBus sender,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    IOptions<WorkerOptions> workers,
    IOptions<LookupOptions> lookups,
    ILogger<StuckLookupSweeper> logger) : BackgroundService
{
    private const int MaxPerSweep = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = workers.Value.StuckSweepInterval;
        if (interval <= TimeSpan.Zero || !await InFlightLookups.WhenStartedAsync(lifetime, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Store or broker away: the next sweep tries again.
                LogSweepFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Re-requests every lookup stuck in a running state (or never started by a saga); returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var stuckBefore = time.GetUtcNow() - lookups.Value.StuckAfter;
        var asked = 0;
        await foreach (var lookup in InFlightLookups.ListAsync(states, cancellationToken).ConfigureAwait(false))
        {
            if ((lookup.AttemptStartedAt ?? lookup.CreatedAt) < stuckBefore &&
                await sender.SendAgainAsync(lookup, time.GetUtcNow(), resume: false, cancellationToken).ConfigureAwait(false) &&
                ++asked >= MaxPerSweep)
            {
                break;
            }
        }

        if (asked > 0)
        {
            LogStuck(logger, asked);
        }

        return asked;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} lookups made no progress for Lookups:StuckAfter; asked the saga to re-send their commands")]
    private static partial void LogStuck(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck-lookup sweep failed, retrying at the next interval: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}

/// <summary>
/// The embedded process on a durable store (<c>Persistence__Provider=DynamoDb</c>): its bus is in memory, so a crash
/// loses every message in flight while the saga's state survives. At start-up no other process can hold those
/// messages, so every lookup left in flight is resumed at once (<see cref="Contracts.Messages.PostcodeRequested.Resume"/>):
/// the saga re-sends the command of its current step, without waiting for <c>Lookups:StuckAfter</c> or a client.
/// </summary>
public sealed partial class InFlightLookupRecovery(
    ILookupStateReader states,
    IBus sender,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<InFlightLookupRecovery> logger) : BackgroundService
{
    /// <summary>How long to keep trying when the store is not reachable at start-up.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await InFlightLookups.WhenStartedAsync(lifetime, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        while (true)
        {
            try
            {
                var resumed = await ResumeAllAsync(stoppingToken).ConfigureAwait(false);
                LogResumed(logger, resumed);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogResumeFailed(logger, e.Message);
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Resumes every lookup in flight; returns how many.</summary>
    public async Task<int> ResumeAllAsync(CancellationToken cancellationToken)
    {
        var resumed = 0;
        await foreach (var lookup in InFlightLookups.ListAsync(states, cancellationToken).ConfigureAwait(false))
        {
            if (await sender.SendAgainAsync(lookup, time.GetUtcNow(), resume: true, cancellationToken).ConfigureAwait(false))
            {
                resumed++;
            }
        }

        return resumed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed {Count} lookups left in flight by the previous run")]
    private static partial void LogResumed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not resume the lookups left in flight yet, trying again: {Reason}")]
    private static partial void LogResumeFailed(ILogger logger, string reason);
}

/// <summary>The lookups a saga has not finished: accepted but not started (Initial), geocoding, fetching crimes.</summary>
internal static class InFlightLookups
{
    private const int PageSize = 100;

    private static readonly string[] States = [LookupStateDiagram.InitialState, LookupStatus.Geocoding, LookupStatus.FetchingCrimes];

    public static async IAsyncEnumerable<LookupSnapshot> ListAsync(
        ILookupStateReader states, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var state in States)
        {
            string? pageToken = null;
            do
            {
                var page = await states.ListByStateAsync(state, PageSize, pageToken, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var lookup in page.Items)
                {
                    yield return lookup;
                }

                pageToken = page.NextPageToken;
            }
            while (pageToken is not null);
        }
    }

    /// <summary>Waits until every hosted service (the bus included) has started; false when the host stops first.</summary>
    public static async Task<bool> WhenStartedAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
