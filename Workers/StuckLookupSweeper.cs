using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
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
/// <c>Geocoding</c> or <c>FetchingCrimes</c> with an old attempt time. This sweep re-publishes its request; the saga
/// sees a stuck attempt and re-sends the command (once per <c>Lookups:StuckAfter</c>, however many workers sweep).
/// </summary>
public sealed partial class StuckLookupSweeper(
    ILookupStateReader states,
    IBus bus,
    TimeProvider time,
    IOptions<WorkerOptions> workers,
    IOptions<LookupOptions> lookups,
    ILogger<StuckLookupSweeper> logger) : BackgroundService
{
    private const int PageSize = 100;
    private const int MaxPerSweep = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = workers.Value.StuckSweepInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
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
    }

    /// <summary>Re-requests every lookup stuck in a running state; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var stuckBefore = time.GetUtcNow() - lookups.Value.StuckAfter;
        var asked = 0;
        foreach (var state in new[] { LookupStatus.Geocoding, LookupStatus.FetchingCrimes })
        {
            string? pageToken = null;
            do
            {
                var page = await states.ListByStateAsync(state, PageSize, pageToken, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var lookup in page.Items.Where(l => (l.AttemptStartedAt ?? l.CreatedAt) < stuckBefore))
                {
                    if (await RequestAgainAsync(lookup, cancellationToken).ConfigureAwait(false))
                    {
                        asked++;
                    }
                }

                pageToken = page.NextPageToken;
            }
            while (pageToken is not null && asked < MaxPerSweep);
        }

        if (asked > 0)
        {
            LogStuck(logger, asked);
        }

        return asked;
    }

    private async Task<bool> RequestAgainAsync(LookupSnapshot lookup, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (lookup.Postcode is { } postcode)
        {
            await bus.Publish(new PostcodeRequested(lookup.LookupId, postcode, now), cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (lookup.Latitude is { } latitude && lookup.Longitude is { } longitude)
        {
            await bus.Publish(new CoordinatesRequested(lookup.LookupId, latitude, longitude, now), cancellationToken).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} lookups made no progress for Lookups:StuckAfter; asked the saga to re-send their commands")]
    private static partial void LogStuck(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck-lookup sweep failed, retrying at the next interval: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
