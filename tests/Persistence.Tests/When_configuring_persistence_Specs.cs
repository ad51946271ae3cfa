using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventDriven.Contracts;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
using EventDriven.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventDriven.Persistence.Tests;

[Collection(DynamoDbCollection.Name)]
public sealed class When_configuring_persistence_Specs(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task Should_register_the_dynamodb_stores_and_a_ready_health_check()
    {
        await using var host = await PersistenceHost.StartAsync(PersistenceHost.Configuration(
            (ConfigurationKeys.PersistenceProvider, "DynamoDb"),
            (ConfigurationKeys.PersistenceDynamoDbServiceUrl, dynamo.ServiceUrl),
            (ConfigurationKeys.PersistenceDynamoDbTablePrefix, DynamoDbLocalFixture.NewTablePrefix())));

        Assert.IsType<DynamoDbLookupResultStore>(host.Get<ILookupResultStore>());
        Assert.IsType<DynamoDbLookupStateReader>(host.Get<ILookupStateReader>());
        Assert.IsType<DynamoDbUnsupportedPostcodeRegistry>(host.Get<IUnsupportedPostcodeRegistry>());
        var registration = Assert.Single(host.Get<IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "dynamodb");
        Assert.Contains("ready", registration.Tags);
        Assert.Equal(HealthStatus.Healthy, (await host.ReadinessAsync()).Status);
    }

    [Fact]
    public async Task Should_create_the_tables_at_start_up_as_DynamoTables_defines_them_and_again_without_error()
    {
        var prefix = DynamoDbLocalFixture.NewTablePrefix();
        var configuration = PersistenceHost.Configuration(
            (ConfigurationKeys.PersistenceProvider, "DynamoDb"),
            (ConfigurationKeys.PersistenceDynamoDbServiceUrl, dynamo.ServiceUrl),
            (ConfigurationKeys.PersistenceDynamoDbTablePrefix, prefix));
        await (await PersistenceHost.StartAsync(configuration)).DisposeAsync();
        await (await PersistenceHost.StartAsync(configuration)).DisposeAsync(); // idempotent

        using var client = dynamo.CreateClient();
        foreach (var definition in DynamoTables.All)
        {
            var table = (await client.DescribeTableAsync(definition.NameWith(prefix))).Table;
            Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
            Assert.Equal(KeysOf(definition.PartitionKey, definition.SortKey), table.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value)));
            Assert.Equal(
                definition.GlobalSecondaryIndexes.Select(i => (i.Name, KeysOf(i.PartitionKey, i.SortKey))),
                (table.GlobalSecondaryIndexes ?? []).Select(i => (i.IndexName, i.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value)).ToList())));
            var ttl = (await client.DescribeTimeToLiveAsync(definition.NameWith(prefix))).TimeToLiveDescription;
            if (definition.TimeToLiveAttribute is null)
            {
                Assert.NotEqual(TimeToLiveStatus.ENABLED, ttl.TimeToLiveStatus);
            }
            else
            {
                Assert.Equal(TimeToLiveStatus.ENABLED, ttl.TimeToLiveStatus);
                Assert.Equal(definition.TimeToLiveAttribute, ttl.AttributeName);
            }
        }
    }

    [Fact]
    public async Task Should_tolerate_persistence_being_registered_twice()
    {
        var configuration = PersistenceHost.Configuration(
            (ConfigurationKeys.PersistenceProvider, "DynamoDb"),
            (ConfigurationKeys.PersistenceDynamoDbServiceUrl, dynamo.ServiceUrl),
            (ConfigurationKeys.PersistenceDynamoDbTablePrefix, DynamoDbLocalFixture.NewTablePrefix()));
        await using var provider = PersistenceHost.Register(configuration).AddLookupPersistence(configuration).BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Single(report.Entries);
        Assert.Single(provider.GetServices<IHostedService>().OfType<EnsureDynamoTablesHostedService>());
    }

    [Theory]
    [InlineData(null, null, false)] // AWS: CloudFormation owns the tables
    [InlineData("http://127.0.0.1:8000", null, true)]
    [InlineData("http://127.0.0.1:8000", "false", false)]
    [InlineData(null, "true", true)]
    public void Should_ensure_tables_by_default_only_against_a_service_url(string? serviceUrl, string? ensureTables, bool expected)
    {
        var services = PersistenceHost.Register(PersistenceHost.Configuration(
            (ConfigurationKeys.PersistenceProvider, "DynamoDb"),
            (ConfigurationKeys.PersistenceDynamoDbServiceUrl, serviceUrl),
            (ConfigurationKeys.PersistenceDynamoDbEnsureTables, ensureTables)));

        Assert.Equal(expected, services.Any(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(EnsureDynamoTablesHostedService)));
    }

    [Theory]
    [InlineData(ConfigurationKeys.PersistenceDynamoDbTablePrefix, "my tables/")]
    [InlineData(ConfigurationKeys.PersistenceDynamoDbServiceUrl, "localhost:8000")]
    [InlineData(ConfigurationKeys.PersistenceDynamoDbRegion, "London")]
    public async Task Should_refuse_bad_configuration_at_start_naming_the_key(string key, string value)
    {
        var configuration = PersistenceHost.Configuration((ConfigurationKeys.PersistenceProvider, "DynamoDb"), (key, value));

        // The client is never built from a bad value: start-up (here, the first store resolved) stops first.
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () => await PersistenceHost.StartAsync(configuration));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_use_the_default_prefix_and_region_when_unset()
    {
        using var provider = PersistenceHost.Register(PersistenceHost.Configuration((ConfigurationKeys.PersistenceProvider, "DynamoDb")))
            .BuildServiceProvider();

        Assert.Equal("eventdriven-lookups", provider.GetRequiredService<DynamoTableNames>().Lookups);
        var client = (AmazonDynamoDBClient)provider.GetRequiredService<IAmazonDynamoDB>();
        Assert.Equal("eu-west-2", client.Config.RegionEndpoint.SystemName);
    }

    private static List<(string, string)> KeysOf(KeyAttribute partitionKey, KeyAttribute? sortKey) =>
        sortKey is null ? [(partitionKey.Name, "HASH")] : [(partitionKey.Name, "HASH"), (sortKey.Name, "RANGE")];
}
