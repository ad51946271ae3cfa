using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>Which table a saga type lives in (one per saga type).</summary>
public sealed record DynamoSagaTable<TSaga>(string Name)
    where TSaga : class, ISagaVersion;

/// <summary>
/// Optimistic-locking persistence of one saga type: one item per instance, <c>PK</c> = correlation id, <c>Version</c>
/// incremented on every write. A write whose condition fails (another event got there first) becomes MassTransit's
/// <see cref="ConcurrencyException"/>: the endpoint's retry re-reads the instance and re-applies the event.
/// </summary>
public sealed class DynamoDbSagaStore<TSaga>(
    IAmazonDynamoDB dynamo,
    DynamoSagaTable<TSaga> table,
    IDynamoSagaItemMapper<TSaga> mapper,
    TimeProvider time,
    ILogger<DynamoDbSagaStore<TSaga>> logger)
    where TSaga : class, ISagaVersion
{
    private static readonly KeyValuePair<string, object?> SagaTag = new("saga", typeof(TSaga).Name);
    private long _versionConflicts;

    public string TableName => table.Name;

    /// <summary>Writes refused by a version or existence condition since start-up (also on the meter <see cref="PersistenceMetrics"/>).</summary>
    public long VersionConflicts => Interlocked.Read(ref _versionConflicts);

    /// <summary>The instance, or null when there is none or it has expired (DynamoDB deletes expired items only eventually).</summary>
    public async Task<TSaga?> LoadAsync(Guid correlationId, CancellationToken cancellationToken = default)
    {
        var response = await DynamoDbCalls.Run(table.Name, "GetItem", () => dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = table.Name,
            Key = KeyOf(correlationId),
            ConsistentRead = true, // a saga must see its own last write
        }, cancellationToken), cancellationToken).ConfigureAwait(false);

        if (response.Item is not { Count: > 0 } attributes)
        {
            return null;
        }

        var item = new StoredItem(table.Name, correlationId.ToString("D"), attributes);
        return item.IsExpiredAt(time.GetUtcNow()) ? null : Read(item);
    }

    /// <summary>Reads an instance from a raw item (also used by queries over the table or its GSI).</summary>
    public TSaga Read(StoredItem item)
    {
        var pk = item.RequiredString(SagaItemAttributes.PartitionKey);
        if (!Guid.TryParse(pk, out var correlationId))
        {
            throw item.Invalid($"attribute '{SagaItemAttributes.PartitionKey}' should be a correlation id (GUID) but is '{pk}'.");
        }

        var version = item.RequiredInt(SagaItemAttributes.Version);
        if (version < 1)
        {
            throw item.Invalid($"attribute '{SagaItemAttributes.Version}' should be 1 or more but is {version}.");
        }

        var instance = mapper.FromItem(item);
        instance.CorrelationId = correlationId;
        instance.Version = version;
        return instance;
    }

    /// <summary>
    /// Creates the instance with <c>Version</c> 1. Fails with <see cref="ConcurrencyException"/> if it already exists
    /// (two first events raced), unless the stored one has expired and is only waiting for DynamoDB to delete it.
    /// </summary>
    public Task InsertAsync(TSaga instance, CancellationToken cancellationToken = default) => InsertAsync(instance, companion: null, cancellationToken);

    /// <param name="companion">
    /// Another item written in the same transaction, built for the version being written (the instance's history entry
    /// of this transition): both are written or neither.
    /// </param>
    public async Task InsertAsync(TSaga instance, Func<int, Put>? companion, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var item = ItemOf(instance, version: 1, now);
        await WriteConditionally(instance, "insert", companion?.Invoke(1), new PutItemRequest
        {
            TableName = table.Name,
            Item = item,
            ConditionExpression = "attribute_not_exists(#pk) OR #expires <= :now",
            ExpressionAttributeNames = new() { ["#pk"] = SagaItemAttributes.PartitionKey, ["#expires"] = SagaItemAttributes.ExpiresAt },
            ExpressionAttributeValues = new() { [":now"] = DynamoAttributes.EpochSeconds(now) },
        }, cancellationToken).ConfigureAwait(false);
        instance.Version = 1;
    }

    /// <summary>Replaces the instance if its stored <c>Version</c> is still the one it was read with, and increments it.</summary>
    public Task UpdateAsync(TSaga instance, CancellationToken cancellationToken = default) => UpdateAsync(instance, companion: null, cancellationToken);

    /// <param name="companion">Another item written in the same transaction, built for the new version (see <see cref="InsertAsync(TSaga, Func{int, Put}?, CancellationToken)"/>).</param>
    public async Task UpdateAsync(TSaga instance, Func<int, Put>? companion, CancellationToken cancellationToken = default)
    {
        var expected = instance.Version;
        var item = ItemOf(instance, expected + 1, time.GetUtcNow());
        await WriteConditionally(instance, "update", companion?.Invoke(expected + 1), new PutItemRequest
        {
            TableName = table.Name,
            Item = item,
            ConditionExpression = "#version = :expected",
            ExpressionAttributeNames = new() { ["#version"] = SagaItemAttributes.Version },
            ExpressionAttributeValues = new() { [":expected"] = DynamoAttributes.Number(expected) },
        }, cancellationToken).ConfigureAwait(false);
        instance.Version = expected + 1;
    }

    /// <summary>Deletes a finalized instance if nobody changed it since it was read.</summary>
    public async Task DeleteAsync(TSaga instance, CancellationToken cancellationToken = default)
    {
        try
        {
            await DynamoDbCalls.Run(table.Name, "DeleteItem", () => dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = table.Name,
                Key = KeyOf(instance.CorrelationId),
                ConditionExpression = "#version = :expected",
                ExpressionAttributeNames = new() { ["#version"] = SagaItemAttributes.Version },
                ExpressionAttributeValues = new() { [":expected"] = DynamoAttributes.Number(instance.Version) },
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
            PersistenceMetrics.SagaWrites.Add(1, SagaTag);
        }
        catch (ConditionalCheckFailedException ex)
        {
            throw Conflict(instance, "delete", ex);
        }
    }

    private async Task WriteConditionally(TSaga instance, string operation, Put? companion, PutItemRequest request, CancellationToken cancellationToken)
    {
        if (companion is not null)
        {
            await WriteWithCompanion(instance, operation, companion, request, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await DynamoDbCalls.Run(table.Name, "PutItem", () => dynamo.PutItemAsync(request, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            PersistenceMetrics.SagaWrites.Add(1, SagaTag);
        }
        catch (ConditionalCheckFailedException ex)
        {
            throw Conflict(instance, operation, ex);
        }
    }

    /// <summary>
    /// The instance's conditional put and its companion in one transaction. A failed condition, or another transaction
    /// on the same item at the same moment, is the same lost race as a failed PutItem condition: the event is retried.
    /// </summary>
    private async Task WriteWithCompanion(TSaga instance, string operation, Put companion, PutItemRequest request, CancellationToken cancellationToken)
    {
        var transaction = new TransactWriteItemsRequest
        {
            TransactItems =
            [
                new TransactWriteItem
                {
                    Put = new Put
                    {
                        TableName = request.TableName,
                        Item = request.Item,
                        ConditionExpression = request.ConditionExpression,
                        ExpressionAttributeNames = request.ExpressionAttributeNames,
                        ExpressionAttributeValues = request.ExpressionAttributeValues,
                    },
                },
                new TransactWriteItem { Put = companion },
            ],
        };
        try
        {
            await DynamoDbCalls.Run(table.Name, "TransactWriteItems", () => dynamo.TransactWriteItemsAsync(transaction, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            PersistenceMetrics.SagaWrites.Add(1, SagaTag);
        }
        catch (TransactionCanceledException ex) when (ex.CancellationReasons?.Any(r => r.Code is "ConditionalCheckFailed" or "TransactionConflict") == true)
        {
            throw Conflict(instance, operation, ex);
        }
        catch (TransactionConflictException ex)
        {
            throw Conflict(instance, operation, ex);
        }
    }

    private ConcurrencyException Conflict(TSaga instance, string operation, Exception inner)
    {
        Interlocked.Increment(ref _versionConflicts);
        PersistenceMetrics.SagaVersionConflicts.Add(1, SagaTag);
        logger.LogDebug("Saga {SagaType} {CorrelationId}: {Operation} at version {Version} lost a race; the event will be retried",
            typeof(TSaga).Name, instance.CorrelationId, operation, instance.Version);
        return new ConcurrencyException(
            $"Saga {typeof(TSaga).Name} {instance.CorrelationId} was changed by another event ({operation} expected version {instance.Version}).",
            typeof(TSaga), instance.CorrelationId, inner);
    }

    private Dictionary<string, AttributeValue> ItemOf(TSaga instance, int version, DateTimeOffset now)
    {
        Debug.Assert(instance.CorrelationId != Guid.Empty, "MassTransit never persists an instance without a correlation id");
        var item = mapper.ToAttributes(instance, now);
        item[SagaItemAttributes.PartitionKey] = DynamoAttributes.String(instance.CorrelationId.ToString("D"));
        item[SagaItemAttributes.Version] = DynamoAttributes.Number(version);
        return item;
    }

    private static Dictionary<string, AttributeValue> KeyOf(Guid correlationId) =>
        new() { [SagaItemAttributes.PartitionKey] = DynamoAttributes.String(correlationId.ToString("D")) };
}
