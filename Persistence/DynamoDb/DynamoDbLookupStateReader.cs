using System.Buffers.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventDriven.Sagas;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// Read side of the DynamoDB saga store. By id: a consistent GetItem (a lookup key maps to its id, see
/// <c>LookupKey.CorrelationId</c>). By state: the <c>ByState</c> GSI, newest <c>UpdatedAt</c> first, with opaque page tokens.
/// </summary>
public sealed class DynamoDbLookupStateReader(IAmazonDynamoDB dynamo, DynamoDbSagaStore<CrimeLookupState> store, TimeProvider time)
    : ILookupStateReader
{
    private const string IndexName = DynamoTables.ByStateIndex;
    private const string RequesterIndexName = DynamoTables.ByRequesterIndex;

    /// <summary>Largest page a caller may ask for: one DynamoDB query page of saga items is well under 1 MB at this size.</summary>
    public const int MaxPageSize = 1000;

    public async Task<LookupSnapshot?> GetAsync(Guid correlationId, CancellationToken cancellationToken = default) =>
        await store.LoadItemAsync(correlationId, cancellationToken).ConfigureAwait(false) is { } item ? SnapshotOf(item) : null;

    /// <summary>The instance as readers see it, with an accepted request the saga has not processed yet (<see cref="LookupSnapshot.AcceptedAt"/>).</summary>
    private LookupSnapshot SnapshotOf(StoredItem item) =>
        store.Read(item).ToSnapshot() with { AcceptedAt = item.OptionalTimestamp(SagaItemAttributes.AcceptedAt) };

    public async Task<LookupStatePage> ListByStateAsync(
        string state, int limit, string? pageToken = null, DateTimeOffset? updatedSince = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);

        var startKey = pageToken is null ? null : DecodePageToken(pageToken, state);
        var names = new Dictionary<string, string> { ["#state"] = SagaItemAttributes.State, ["#expires"] = SagaItemAttributes.ExpiresAt };
        var values = new Dictionary<string, AttributeValue>
        {
            [":state"] = DynamoAttributes.String(state),
            [":now"] = DynamoAttributes.EpochSeconds(time.GetUtcNow()),
        };
        var keyCondition = "#state = :state";
        if (updatedSince is { } since)
        {
            names["#updated"] = SagaItemAttributes.UpdatedAt;
            values[":since"] = DynamoAttributes.Timestamp(since);
            keyCondition += " AND #updated >= :since";
        }

        // The filter drops expired items after DynamoDB has read them, so one query page can come back short:
        // keep asking until the page is full or the index is exhausted.
        var items = new List<LookupSnapshot>(limit);
        do
        {
            var response = await QueryAsync(new QueryRequest
            {
                TableName = store.TableName,
                IndexName = IndexName,
                KeyConditionExpression = keyCondition,
                FilterExpression = "attribute_not_exists(#expires) OR #expires > :now",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                ScanIndexForward = false,
                Limit = limit - items.Count,
                ExclusiveStartKey = startKey,
            }, fromToken: pageToken is not null, cancellationToken).ConfigureAwait(false);

            foreach (var attributes in response.Items ?? [])
            {
                var key = attributes.TryGetValue(SagaItemAttributes.PartitionKey, out var pk) ? pk.S ?? "?" : "?";
                items.Add(SnapshotOf(new StoredItem(store.TableName, key, attributes)));
            }

            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null && items.Count < limit);

        return new LookupStatePage(items, startKey is null ? null : EncodePageToken(startKey));
    }

    /// <summary>The sparse ByRequester index: an item is in it only while an attempt is under way (eventually consistent).</summary>
    public async Task<IReadOnlyList<Guid>> ListInFlightAsync(string requestedBy, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestedBy);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var ids = new List<Guid>(limit);
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await DynamoDbCalls.Run(store.TableName, "Query", () => dynamo.QueryAsync(new QueryRequest
            {
                TableName = store.TableName,
                IndexName = RequesterIndexName,
                KeyConditionExpression = "#requester = :requester",
                ExpressionAttributeNames = new() { ["#requester"] = SagaItemAttributes.RequestedBy, ["#pk"] = SagaItemAttributes.PartitionKey },
                ExpressionAttributeValues = new() { [":requester"] = DynamoAttributes.String(requestedBy) },
                ProjectionExpression = "#pk",
                Limit = limit - ids.Count,
                ExclusiveStartKey = startKey,
            }, cancellationToken), cancellationToken).ConfigureAwait(false);

            foreach (var item in response.Items ?? [])
            {
                if (item.TryGetValue(SagaItemAttributes.PartitionKey, out var pk) && Guid.TryParse(pk.S, out var id))
                {
                    ids.Add(id);
                }
            }

            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null && ids.Count < limit);

        return ids;
    }

    /// <summary>A COUNT query on the ByState GSI: DynamoDB counts the unexpired items without returning them.</summary>
    public async Task<long> CountByStateAsync(string state, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        long count = 0;
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await DynamoDbCalls.Run(store.TableName, "Query", () => dynamo.QueryAsync(new QueryRequest
            {
                TableName = store.TableName,
                IndexName = IndexName,
                Select = Select.COUNT,
                KeyConditionExpression = "#state = :state",
                FilterExpression = "attribute_not_exists(#expires) OR #expires > :now",
                ExpressionAttributeNames = new() { ["#state"] = SagaItemAttributes.State, ["#expires"] = SagaItemAttributes.ExpiresAt },
                ExpressionAttributeValues = new()
                {
                    [":state"] = DynamoAttributes.String(state),
                    [":now"] = DynamoAttributes.EpochSeconds(time.GetUtcNow()),
                },
                ExclusiveStartKey = startKey,
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
            count += response.Count ?? 0;
            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);

        return count;
    }

    private async Task<QueryResponse> QueryAsync(QueryRequest request, bool fromToken, CancellationToken cancellationToken)
    {
        try
        {
            return await DynamoDbCalls.Run(store.TableName, "Query", () => dynamo.QueryAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonDynamoDBException e) when (fromToken && e.ErrorCode == "ValidationException")
        {
            // A token of the right shape whose key DynamoDB refuses as a starting point.
            throw new InvalidPageTokenException(NotIssued, e);
        }
    }

    /// <summary>The token is not echoed back: it is the caller's input, and the caller has it.</summary>
    private const string NotIssued = "The page token is not one this service issued; use the nextPageToken of the previous page.";

    private sealed record PageToken(string Pk, string State, string UpdatedAt);

    private static string EncodePageToken(Dictionary<string, AttributeValue> key)
    {
        var token = new PageToken(
            key[SagaItemAttributes.PartitionKey].S, key[SagaItemAttributes.State].S, key[SagaItemAttributes.UpdatedAt].S);
        return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(token));
    }

    private static Dictionary<string, AttributeValue> DecodePageToken(string pageToken, string state)
    {
        PageToken? token;
        try
        {
            token = JsonSerializer.Deserialize<PageToken>(Base64Url.DecodeFromChars(pageToken));
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            throw new InvalidPageTokenException(NotIssued, ex);
        }

        // DynamoDB refuses an empty key attribute with a validation error: such a token was not issued here either.
        if (token is null || string.IsNullOrEmpty(token.Pk) || string.IsNullOrEmpty(token.State) || string.IsNullOrEmpty(token.UpdatedAt))
        {
            throw new InvalidPageTokenException(NotIssued);
        }

        if (!string.Equals(token.State, state, StringComparison.Ordinal))
        {
            throw new InvalidPageTokenException($"The page token continues a listing of '{token.State}', not of '{state}'.");
        }

        return new()
        {
            [SagaItemAttributes.PartitionKey] = DynamoAttributes.String(token.Pk),
            [SagaItemAttributes.State] = DynamoAttributes.String(token.State),
            [SagaItemAttributes.UpdatedAt] = DynamoAttributes.String(token.UpdatedAt),
        };
    }
}
