using EventDriven.Sagas;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Publication;

/// <summary>
/// Asks, every <see cref="LookupOptions.PublicationCheckInterval"/>, whether this process should check the police's
/// publication (at start-up too, so the first lookups find it known). Runs in every process that fetches crimes
/// (embedded, workers); the shared store's claim makes it one check per interval for the fleet. A failed check (the
/// police API down) is logged and tried again at the next tick: results keep answering meanwhile.
/// </summary>
public sealed partial class PolicePublicationMonitor(
    PolicePublications publications,
    TimeProvider time,
    IOptions<LookupOptions> options,
    ILogger<PolicePublicationMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PublicationCheckInterval, time);
        do
        {
            try
            {
                await publications.CheckIfDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogCheckFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check what data.police.uk has published: {Reason}; results keep answering, the next check is due at the next interval")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
