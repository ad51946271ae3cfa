using Amazon.DynamoDBv2.Model;
using Amazon.DynamoDBv2;
using DynamoKeyType = Amazon.DynamoDBv2.KeyType;
using Microsoft.Extensions.Logging;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// "Ensure tables" for local runs and tests: creates any missing table from <see cref="DynamoTables"/> (keys, GSI,
/// on-demand billing), waits until it is active and switches TTL on. Idempotent and safe when several processes
/// start at once. On AWS, CloudFormation creates the tables instead (EnsureTables defaults to false there).
/// </summary>
public sealed class DynamoTableProvisioner(IAmazonDynamoDB dynamo, DynamoTableNames tables, ILogger<DynamoTableProvisioner> logger)
{
    /// <summary>How long to wait for a new table to become ACTIVE (DynamoDB Local: instantly; AWS: seconds).</summary>
    public static readonly TimeSpan ActivationTimeout = TimeSpan.FromMinutes(2);

    public async Task EnsureTablesAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (definition, name) in tables.All())
        {
            await EnsureTableAsync(definition, name, cancellationToken).ConfigureAwait(false);
        }
    }

    public static CreateTableRequest BuildCreateTableRequest(TableDefinition definition, string tableName)
    {
        var attributes = new Dictionary<string, KeyAttribute>(StringComparer.Ordinal);
        void Declare(KeyAttribute? key)
        {
            if (key is null)
            {
                return;
            }

            if (attributes.TryGetValue(key.Name, out var existing) && existing.Kind != key.Kind)
            {
                throw new InvalidOperationException($"Table '{tableName}' declares key attribute '{key.Name}' as both {existing.Kind} and {key.Kind}.");
            }

            attributes[key.Name] = key;
        }

        Declare(definition.PartitionKey);
        Declare(definition.SortKey);
        foreach (var index in definition.GlobalSecondaryIndexes)
        {
            Declare(index.PartitionKey);
            Declare(index.SortKey);
        }

        return new CreateTableRequest
        {
            TableName = tableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = attributes.Values
                .Select(a => new AttributeDefinition(a.Name, a.Kind == AttributeKind.String ? ScalarAttributeType.S : ScalarAttributeType.N))
                .ToList(),
            KeySchema = KeySchemaOf(definition.PartitionKey, definition.SortKey),
            GlobalSecondaryIndexes = definition.GlobalSecondaryIndexes.Count == 0
                ? null
                : definition.GlobalSecondaryIndexes.Select(index => new Amazon.DynamoDBv2.Model.GlobalSecondaryIndex
                {
                    IndexName = index.Name,
                    KeySchema = KeySchemaOf(index.PartitionKey, index.SortKey),
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                }).ToList(),
        };
    }

    private async Task EnsureTableAsync(TableDefinition definition, string name, CancellationToken cancellationToken)
    {
        var description = await DescribeAsync(name, cancellationToken).ConfigureAwait(false);
        if (description is null)
        {
            try
            {
                await DynamoDbCalls.Run(name, "CreateTable",
                    () => dynamo.CreateTableAsync(BuildCreateTableRequest(definition, name), cancellationToken), cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Created DynamoDB table {Table}", name);
            }
            catch (ResourceInUseException)
            {
                // Another process created it a moment ago.
            }
        }

        await WaitUntilActiveAsync(name, cancellationToken).ConfigureAwait(false);

        if (definition.TimeToLiveAttribute is { } ttlAttribute && !await IsTimeToLiveOnAsync(name, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await DynamoDbCalls.Run(name, "UpdateTimeToLive", () => dynamo.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
                {
                    TableName = name,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = ttlAttribute, Enabled = true },
                }, cancellationToken), cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Enabled TTL on {Table}.{Attribute}", name, ttlAttribute);
            }
            catch (AmazonDynamoDBException) when (!cancellationToken.IsCancellationRequested)
            {
                // Another process switched it on between our look and our request: DynamoDB refuses the second switch
                // ("TimeToLive is already enabled"; on AWS also "modified multiple times within a fixed interval").
                if (!await IsTimeToLiveOnAsync(name, cancellationToken).ConfigureAwait(false))
                {
                    throw;
                }
            }
        }
    }

    private async Task<bool> IsTimeToLiveOnAsync(string name, CancellationToken cancellationToken)
    {
        var ttl = await DynamoDbCalls.Run(name, "DescribeTimeToLive",
            () => dynamo.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = name }, cancellationToken), cancellationToken).ConfigureAwait(false);
        var status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
        return status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
    }

    private async Task WaitUntilActiveAsync(string name, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + ActivationTimeout;
        while (true)
        {
            var description = await DescribeAsync(name, cancellationToken).ConfigureAwait(false);
            var indexesActive = description?.GlobalSecondaryIndexes?.All(i => i.IndexStatus == IndexStatus.ACTIVE) ?? true;
            if (description?.TableStatus == TableStatus.ACTIVE && indexesActive)
            {
                return;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new StoreUnavailableException(
                    $"DynamoDB table '{name}' did not become ACTIVE within {ActivationTimeout.TotalSeconds:0} s (status {description?.TableStatus?.Value ?? "missing"}).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TableDescription?> DescribeAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            // Not through DynamoDbCalls: a missing table is an answer here, not an outage.
            return (await dynamo.DescribeTableAsync(new DescribeTableRequest { TableName = name }, cancellationToken).ConfigureAwait(false)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && DynamoDbCalls.Describe(ex, name) is { } reason)
        {
            throw new StoreUnavailableException($"DynamoDB DescribeTable on table '{name}' failed: {reason}", ex);
        }
    }

    private static List<KeySchemaElement> KeySchemaOf(KeyAttribute partitionKey, KeyAttribute? sortKey)
    {
        var schema = new List<KeySchemaElement> { new(partitionKey.Name, DynamoKeyType.HASH) };
        if (sortKey is not null)
        {
            schema.Add(new KeySchemaElement(sortKey.Name, DynamoKeyType.RANGE));
        }

        return schema;
    }
}
