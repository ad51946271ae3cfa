using Amazon.DynamoDBv2;

namespace EventDriven.TestSupport;

/// <summary>
/// One DynamoDB Local for a test collection: started before the first test, killed after the last. Tests stay
/// independent by giving their tables a fresh prefix (<see cref="NewTablePrefix"/>).
/// Use: <c>[CollectionDefinition("dynamodb")] public sealed class DynamoDbCollection : ICollectionFixture&lt;DynamoDbLocalFixture&gt;;</c>
/// </summary>
public sealed class DynamoDbLocalFixture : IAsyncLifetime
{
    private DynamoDbLocal? _server;

    public DynamoDbLocal Server => _server ?? throw new InvalidOperationException("DynamoDB Local has not started.");

    public string ServiceUrl => Server.ServiceUrl;

    public IAmazonDynamoDB CreateClient() => Server.CreateClient();

    /// <summary>A table prefix no other test uses, e.g. <c>t3f9a1c-</c>.</summary>
    public static string NewTablePrefix() => $"t{Guid.NewGuid():N}"[..9] + "-";

    public async Task InitializeAsync() => _server = await DynamoDbLocal.StartAsync().ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
