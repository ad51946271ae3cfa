using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventDriven.Persistence.DynamoDb;
using EventDriven.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventDriven.Persistence.Tests;

/// <summary>
/// A fleet starting at one moment on an empty store: every process ensures the same tables (create, wait until
/// active, switch TTL on) at once. Each must succeed, whoever wins each step; a loser must not die of the winner's
/// "already done" (the worker that crashed with "TimeToLive is already enabled").
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class When_several_processes_ensure_the_tables_at_once_Specs(DynamoDbLocalFixture dynamo)
{
    private const int Processes = 6;

    [Fact]
    public async Task Should_all_succeed_and_leave_every_table_active_with_its_ttl()
    {
        for (var round = 0; round < 5; round++)
        {
            var names = DynamoTableNames.For(DynamoDbLocalFixture.NewTablePrefix());
            var clients = Enumerable.Range(0, Processes).Select(_ => dynamo.CreateClient()).ToList();
            try
            {
                using var start = new ManualResetEventSlim();
                var ensures = clients.Select(client => Task.Run(async () =>
                {
                    start.Wait();
                    await new DynamoTableProvisioner(client, names, NullLogger<DynamoTableProvisioner>.Instance).EnsureTablesAsync();
                })).ToList();
                start.Set();
                await Task.WhenAll(ensures);

                foreach (var (definition, name) in names.All())
                {
                    var table = (await clients[0].DescribeTableAsync(name)).Table;
                    Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
                    if (definition.TimeToLiveAttribute is { } attribute)
                    {
                        var ttl = (await clients[0].DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = name })).TimeToLiveDescription;
                        Assert.Equal(TimeToLiveStatus.ENABLED, ttl.TimeToLiveStatus);
                        Assert.Equal(attribute, ttl.AttributeName);
                    }
                }
            }
            finally
            {
                clients.ForEach(c => c.Dispose());
            }
        }
    }
}
