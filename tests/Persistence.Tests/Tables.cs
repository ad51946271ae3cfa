using Amazon.DynamoDBv2;
using EventDriven.Persistence.DynamoDb;
using EventDriven.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventDriven.Persistence.Tests;

/// <summary>Fresh tables (own prefix) on the shared DynamoDB Local, created by the production provisioner.</summary>
internal sealed class Tables : IDisposable
{
    private Tables(IAmazonDynamoDB client, DynamoTableNames names)
    {
        Client = client;
        Names = names;
    }

    public IAmazonDynamoDB Client { get; }
    public DynamoTableNames Names { get; }

    public static async Task<Tables> CreateAsync(DynamoDbLocalFixture fixture)
    {
        var client = fixture.CreateClient();
        var names = DynamoTableNames.For(DynamoDbLocalFixture.NewTablePrefix());
        await new DynamoTableProvisioner(client, names, NullLogger<DynamoTableProvisioner>.Instance).EnsureTablesAsync();
        return new Tables(client, names);
    }

    public void Dispose() => Client.Dispose();
}
