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
/// <remarks>
/// A write the store did not answer (timeout, connection reset, store away) may still have been applied. Re-read and
/// re-applied, the event would then meet its own result and count as a duplicate, and the commands of the first
/// application (held by the in-memory outbox until the save succeeds) would be lost: the lookup would wait for the
/// stuck sweep. So every write carries a fresh <see cref="SagaItemAttributes.WriteId"/>, its condition also accepts
/// an item that already holds that id, and an unanswered write is sent again, unchanged, until the store answers
/// (up to <see cref="UnansweredWritePatience"/>): either it was applied (now or before) and the saga goes on, or
/// another event changed the item and the usual conflict retry follows.
/// <para>
/// The same gap opens after a save that succeeded when the commands cannot leave (the broker went away, the process
/// died): the message is retried or delivered again, finds its own result and changes nothing. So each write also
/// records the message that made it (<see cref="SagaItemAttributes.LastMessageId"/>) and the item before it
/// (<see cref="SagaItemAttributes.Previous"/>); that message, loaded again, gets the item as it was before it
/// (<see cref="LoadForMessageAsync"/>), is applied once more and its commands sent, and its write, carrying the same
/// write id, replaces its own earlier one. Commands may then leave twice; the consumers are idempotent.
/// </para>
/// </remarks>
public sealed class DynamoDbSagaStore<TSaga>(
    IAmazonDynamoDB dynamo,
    DynamoSagaTable<TSaga> table,
    IDynamoSagaItemMapper<TSaga> mapper,
    TimeProvider time,
    ILogger<DynamoDbSagaStore<TSaga>> logger)
    where TSaga : class, ISagaVersion
{
    /// <summary>
    /// How long a saga write the store does not answer is sent again before the caller gets
    /// <see cref="StoreUnavailableException"/>: longer than the store outages the fleet rides out (30 s measured), so a
    /// write in flight when the store went away is settled when it returns.
    /// </summary>
    public static readonly TimeSpan UnansweredWritePatience = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan FirstWriteRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestWriteRetryDelay = TimeSpan.FromSeconds(2);
    private static readonly KeyValuePair<string, object?> SagaTag = new("saga", typeof(TSaga).Name);
    private long _versionConflicts;

    public string TableName => table.Name;

    /// <summary>Writes refused by a version or existence condition since start-up (also on the meter <see cref="PersistenceMetrics"/>).</summary>
    public long VersionConflicts => Interlocked.Read(ref _versionConflicts);

    /// <summary>The instance, or null when there is none or it has expired (DynamoDB deletes expired items only eventually).</summary>
    public async Task<TSaga?> LoadAsync(Guid correlationId, CancellationToken cancellationToken = default) =>
        await LoadItemAsync(correlationId, cancellationToken).ConfigureAwait(false) is { } item ? Read(item) : null;

    /// <summary>
    /// The instance as a message should see it. Normally the stored one; but when this very message wrote the stored
    /// version (it is being retried or delivered again after the save, and its commands may never have left), the
    /// version before it: applied again, the message sends its commands again. A message that created the instance
    /// then finds none and creates it again. The load remembers what a write for this message must carry.
    /// </summary>
    public async Task<SagaLoad<TSaga>> LoadForMessageAsync(Guid correlationId, Guid? messageId, CancellationToken cancellationToken = default)
    {
        var item = await LoadItemAsync(correlationId, cancellationToken).ConfigureAwait(false);
        if (item is null)
        {
            return new SagaLoad<TSaga>(null, null, null, messageId);
        }

        if (messageId is { } id && item.OptionalString(SagaItemAttributes.LastMessageId) == id.ToString("N"))
        {
            // Our own earlier write: it is replaced only while it is still ours (same write id).
            var ownWrite = item.OptionalString(SagaItemAttributes.WriteId);
            logger.LogDebug("Saga {SagaType} {CorrelationId}: message {MessageId} wrote version {Version} already; applying it again to the version before",
                typeof(TSaga).Name, correlationId, id, item.OptionalInt(SagaItemAttributes.Version));
            if (item.Attributes.TryGetValue(SagaItemAttributes.Previous, out var previous) && previous.M is { Count: > 0 } before)
            {
                var image = new Dictionary<string, AttributeValue>(before) { [SagaItemAttributes.PartitionKey] = item.Attributes[SagaItemAttributes.PartitionKey] };
                return new SagaLoad<TSaga>(Read(new StoredItem(table.Name, item.Key, image)), image, ownWrite, messageId);
            }

            return new SagaLoad<TSaga>(null, null, ownWrite, messageId);
        }

        return new SagaLoad<TSaga>(Read(item), item.Attributes, null, messageId);
    }

    /// <summary>The stored item of the instance (for readers that want more than the instance), or null as <see cref="LoadAsync"/>.</summary>
    public async Task<StoredItem?> LoadItemAsync(Guid correlationId, CancellationToken cancellationToken = default)
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
        return item.IsExpiredAt(time.GetUtcNow()) ? null : item;
    }

    /// <summary>
    /// Marks an existing instance with <see cref="SagaItemAttributes.AcceptedAt"/> (an API accepted a request that
    /// starts a new attempt). Not a saga write: the version stays, and the saga's next write drops the mark. A new
    /// <see cref="SagaItemAttributes.WriteId"/> keeps a saga write sent again after a lost answer from overwriting it
    /// unseen. Nothing happens when the instance has gone (expired and deleted).
    /// </summary>
    public async Task MarkAcceptedAsync(Guid correlationId, DateTimeOffset acceptedAt, TimeSpan patience, CancellationToken cancellationToken)
    {
        var request = new UpdateItemRequest
        {
            TableName = table.Name,
            Key = KeyOf(correlationId),
            // A message that wrote the finished state, delivered again, no longer counts as its author: it is now a
            // late duplicate (otherwise its write-id check would fail against this new write id for ever).
            UpdateExpression = "SET #accepted = :accepted, #writeId = :writeId REMOVE #lastMessage",
            ConditionExpression = "attribute_exists(#pk)",
            ExpressionAttributeNames = new()
            {
                ["#accepted"] = SagaItemAttributes.AcceptedAt,
                ["#writeId"] = SagaItemAttributes.WriteId,
                ["#pk"] = SagaItemAttributes.PartitionKey,
                ["#lastMessage"] = SagaItemAttributes.LastMessageId,
            },
            ExpressionAttributeValues = new()
            {
                [":accepted"] = DynamoAttributes.Timestamp(acceptedAt),
                [":writeId"] = DynamoAttributes.String(Guid.NewGuid().ToString("N")),
            },
        };
        var started = time.GetTimestamp();
        var delay = FirstWriteRetryDelay;
        while (true)
        {
            try
            {
                await DynamoDbCalls.Run(table.Name, "UpdateItem", () => dynamo.UpdateItemAsync(request, cancellationToken), cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
            catch (ConditionalCheckFailedException)
            {
                return;
            }
            catch (StoreUnavailableException) when (time.GetElapsedTime(started) + delay < patience)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestWriteRetryDelay.Ticks));
            }
        }
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
    public Task InsertAsync(TSaga instance, CancellationToken cancellationToken = default) =>
        InsertAsync(instance, UnansweredWritePatience, cancellationToken, loaded: null, companion: null);

    /// <param name="instance">The new instance.</param>
    /// <param name="companion">
    /// Another item written in the same transaction, built for the version being written (the instance's history entry
    /// of this transition): both are written or neither.
    /// </param>
    /// <param name="cancellationToken">Cancels the write and its retries.</param>
    public Task InsertAsync(TSaga instance, Func<int, Put>? companion, CancellationToken cancellationToken = default) =>
        InsertAsync(instance, UnansweredWritePatience, cancellationToken, loaded: null, companion);

    /// <summary>The insert of a message's new instance, after <see cref="LoadForMessageAsync"/> found none (or its own).</summary>
    public Task InsertAsync(TSaga instance, SagaLoad<TSaga> loaded, Func<int, Put>? companion, CancellationToken cancellationToken) =>
        InsertAsync(instance, UnansweredWritePatience, cancellationToken, loaded, companion);

    /// <inheritdoc cref="InsertAsync(TSaga, CancellationToken)"/>
    /// <param name="instance">The new instance.</param>
    /// <param name="patience">How long an unanswered write is sent again: the saga's writes wait out an outage
    /// (<see cref="UnansweredWritePatience"/>); a caller that must answer quickly (the API) passes less.</param>
    /// <param name="cancellationToken">Cancels the write and its retries.</param>
    public Task InsertAsync(TSaga instance, TimeSpan patience, CancellationToken cancellationToken) =>
        InsertAsync(instance, patience, cancellationToken, loaded: null, companion: null);

    private async Task InsertAsync(TSaga instance, TimeSpan patience, CancellationToken cancellationToken, SagaLoad<TSaga>? loaded, Func<int, Put>? companion)
    {
        var now = time.GetUtcNow();
        var item = ItemOf(instance, version: 1, now, loaded);
        await WriteConditionally(instance, "insert", loaded?.WriteId, companion?.Invoke(1), new PutItemRequest
        {
            TableName = table.Name,
            Item = item,
            ConditionExpression = "attribute_not_exists(#pk) OR #expires <= :now",
            ExpressionAttributeNames = new() { ["#pk"] = SagaItemAttributes.PartitionKey, ["#expires"] = SagaItemAttributes.ExpiresAt },
            ExpressionAttributeValues = new() { [":now"] = DynamoAttributes.EpochSeconds(now) },
        }, patience, cancellationToken).ConfigureAwait(false);
        instance.Version = 1;
    }

    /// <summary>Replaces the instance if its stored <c>Version</c> is still the one it was read with, and increments it.</summary>
    public Task UpdateAsync(TSaga instance, CancellationToken cancellationToken = default) =>
        UpdateAsync(instance, loaded: null, companion: null, cancellationToken);

    /// <param name="instance">The instance, with the version it was read with.</param>
    /// <param name="companion">Another item written in the same transaction, built for the new version (see <see cref="InsertAsync(TSaga, Func{int, Put}?, CancellationToken)"/>).</param>
    /// <param name="cancellationToken">Cancels the write and its retries.</param>
    public Task UpdateAsync(TSaga instance, Func<int, Put>? companion, CancellationToken cancellationToken = default) =>
        UpdateAsync(instance, loaded: null, companion, cancellationToken);

    /// <summary>The update of a message's instance, as loaded by <see cref="LoadForMessageAsync"/>, with its companion item.</summary>
    public async Task UpdateAsync(TSaga instance, SagaLoad<TSaga>? loaded, Func<int, Put>? companion, CancellationToken cancellationToken)
    {
        var expected = instance.Version;
        var item = ItemOf(instance, expected + 1, time.GetUtcNow(), loaded);
        await WriteConditionally(instance, "update", loaded?.WriteId, companion?.Invoke(expected + 1), new PutItemRequest
        {
            TableName = table.Name,
            Item = item,
            ConditionExpression = "#version = :expected",
            ExpressionAttributeNames = new() { ["#version"] = SagaItemAttributes.Version },
            ExpressionAttributeValues = new() { [":expected"] = DynamoAttributes.Number(expected) },
        }, UnansweredWritePatience, cancellationToken).ConfigureAwait(false);
        instance.Version = expected + 1;
    }

    /// <summary>Deletes a finalized instance if nobody changed it since it was read (an unanswered delete is sent again).</summary>
    public async Task DeleteAsync(TSaga instance, CancellationToken cancellationToken = default)
    {
        var request = new DeleteItemRequest
        {
            TableName = table.Name,
            Key = KeyOf(instance.CorrelationId),
            ConditionExpression = "#version = :expected",
            ExpressionAttributeNames = new() { ["#version"] = SagaItemAttributes.Version },
            ExpressionAttributeValues = new() { [":expected"] = DynamoAttributes.Number(instance.Version) },
        };
        var sent = false;
        await SendUntilAnsweredAsync(instance, "delete", async () =>
        {
            if (sent)
            {
                // Sent before and not answered: it may have been applied, and a missing item is then our own doing.
                request.ConditionExpression = "attribute_not_exists(#pk) OR #version = :expected";
                request.ExpressionAttributeNames["#pk"] = SagaItemAttributes.PartitionKey;
            }

            sent = true;
            await DynamoDbCalls.Run(table.Name, "DeleteItem", () => dynamo.DeleteItemAsync(request, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
        }, UnansweredWritePatience, cancellationToken).ConfigureAwait(false);
    }

    private Task WriteConditionally(
        TSaga instance, string operation, string? ownEarlierWrite, Put? companion, PutItemRequest request, TimeSpan patience, CancellationToken cancellationToken)
    {
        // The id of this write: a second try finds it on the item if the first one was applied after all. A message
        // applied again (LoadForMessageAsync) reuses the id of its earlier write, so that one is the write it replaces.
        var writeId = DynamoAttributes.String(ownEarlierWrite ?? Guid.NewGuid().ToString("N"));
        request.Item[SagaItemAttributes.WriteId] = writeId;
        request.ConditionExpression = $"({request.ConditionExpression}) OR #writeId = :writeId";
        request.ExpressionAttributeNames["#writeId"] = SagaItemAttributes.WriteId;
        request.ExpressionAttributeValues[":writeId"] = writeId;
        return companion is null
            ? SendUntilAnsweredAsync(instance, operation, () =>
                DynamoDbCalls.Run(table.Name, "PutItem", () => dynamo.PutItemAsync(request, cancellationToken), cancellationToken), patience, cancellationToken)
            : SendUntilAnsweredAsync(instance, operation, () => WriteWithCompanion(instance, operation, companion, request, cancellationToken), patience, cancellationToken);
    }

    /// <summary>
    /// Sends a conditional write until the store answers it: done, or refused by its condition (a
    /// <see cref="ConcurrencyException"/>). While the store does not answer, the same write is sent again with growing
    /// pauses, for up to <paramref name="patience"/>; then the caller gets the <see cref="StoreUnavailableException"/>.
    /// The companion of a transaction has no condition, so sending it again only writes the same entry again.
    /// </summary>
    private async Task SendUntilAnsweredAsync(TSaga instance, string operation, Func<Task> send, TimeSpan patience, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = FirstWriteRetryDelay;
        var retries = 0;
        while (true)
        {
            try
            {
                await send().ConfigureAwait(false);
                PersistenceMetrics.SagaWrites.Add(1, SagaTag);
                return;
            }
            catch (ConditionalCheckFailedException ex)
            {
                throw Conflict(instance, operation, ex);
            }
            catch (StoreUnavailableException ex) when (time.GetElapsedTime(started) + delay < patience)
            {
                PersistenceMetrics.SagaWriteRetries.Add(1, SagaTag);
                // One warning per write; its further tries are Debug (an outage would otherwise log one line per try).
                logger.Log(retries++ == 0 ? LogLevel.Warning : LogLevel.Debug,
                    "Saga {SagaType} {CorrelationId}: {Operation} not answered ({Reason}); sending the same write again until the store answers",
                    typeof(TSaga).Name, instance.CorrelationId, operation, ex.Message);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestWriteRetryDelay.Ticks));
            }
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

    private Dictionary<string, AttributeValue> ItemOf(TSaga instance, int version, DateTimeOffset now, SagaLoad<TSaga>? loaded = null)
    {
        Debug.Assert(instance.CorrelationId != Guid.Empty, "MassTransit never persists an instance without a correlation id");
        var item = mapper.ToAttributes(instance, now);
        item[SagaItemAttributes.PartitionKey] = DynamoAttributes.String(instance.CorrelationId.ToString("D"));
        item[SagaItemAttributes.Version] = DynamoAttributes.Number(version);
        if (loaded?.MessageId is { } messageId)
        {
            item[SagaItemAttributes.LastMessageId] = DynamoAttributes.String(messageId.ToString("N"));
            if (loaded.Image is { } before)
            {
                // The state this message was applied to; not the bookkeeping of the write before it.
                item[SagaItemAttributes.Previous] = new AttributeValue
                {
                    M = before.Where(a => a.Key is not (SagaItemAttributes.PartitionKey or SagaItemAttributes.Previous or
                            SagaItemAttributes.WriteId or SagaItemAttributes.LastMessageId or SagaItemAttributes.AcceptedAt))
                        .ToDictionary(a => a.Key, a => a.Value),
                };
            }
        }

        return item;
    }

    private static Dictionary<string, AttributeValue> KeyOf(Guid correlationId) =>
        new() { [SagaItemAttributes.PartitionKey] = DynamoAttributes.String(correlationId.ToString("D")) };
}

/// <summary>
/// What <see cref="DynamoDbSagaStore{TSaga}.LoadForMessageAsync"/> found for a message: the instance to apply it to
/// (null: none), the item it came from (kept as the next write's <see cref="SagaItemAttributes.Previous"/>), the write
/// id to reuse when the message replaces its own earlier write, and the message.
/// </summary>
public sealed record SagaLoad<TSaga>(TSaga? Instance, IReadOnlyDictionary<string, AttributeValue>? Image, string? WriteId, Guid? MessageId)
    where TSaga : class, ISagaVersion;
