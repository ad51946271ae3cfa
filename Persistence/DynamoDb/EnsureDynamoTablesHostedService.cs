using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// Runs <see cref="DynamoTableProvisioner"/> at start-up, before the bus starts consuming (hosted services start in
/// registration order, and persistence is registered first). Registered only when EnsureTables is on.
/// DynamoDB Local started alongside the process may need a few seconds to listen, so an unreachable store is retried
/// for up to <see cref="StartupPatience"/>; then start-up fails with the store's error.
/// </summary>
public sealed class EnsureDynamoTablesHostedService(
    DynamoTableProvisioner provisioner, TimeProvider time, ILogger<EnsureDynamoTablesHostedService> logger) : IHostedService
{
    public static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await provisioner.EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StoreUnavailableException ex) when (time.GetUtcNow() - started + delay < StartupPatience)
            {
                logger.LogWarning("DynamoDB is not reachable yet ({Reason}); retrying in {Delay} ms", ex.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
