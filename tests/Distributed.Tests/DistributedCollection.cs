using EventDriven.TestSupport;

// Every class here starts several processes and servers: one at a time, so they never fight for the 2 cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace EventDriven.Distributed.Tests;

/// <summary>One DynamoDB Local for all the distributed specs (each test gets its own tables); a RabbitMQ node per class.</summary>
[CollectionDefinition(Name)]
public sealed class DistributedCollection : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "distributed";
}

/// <summary>A private RabbitMQ node for one test class.</summary>
public sealed class RabbitMqNodeFixture : IAsyncLifetime
{
    private RabbitMqNode? _node;

    public RabbitMqNode Node => _node ?? throw new InvalidOperationException("The RabbitMQ node has not started.");

    public async Task InitializeAsync() => _node = await RabbitMqNode.StartAsync().ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync().ConfigureAwait(false);
        }
    }
}
