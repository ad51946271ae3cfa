using Microsoft.Extensions.Hosting;

namespace EventDriven.Sagas.Persistence.DynamoDb;

/// <summary>
/// Runs <see cref="DynamoTableProvisioner"/> at start-up, before the bus starts consuming (hosted services start in
/// registration order, and persistence is registered first). Registered only when EnsureTables is on.
/// </summary>
public sealed class EnsureDynamoTablesHostedService(DynamoTableProvisioner provisioner) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => provisioner.EnsureTablesAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
