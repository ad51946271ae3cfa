using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventDriven.Contracts.Police;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// The publication record on DynamoDB: one item in the results table (<c>PK</c> = <see cref="Key"/>, <c>SK</c> = <c>#</c>;
/// '#' never starts a lookup key, so it cannot collide with a result), no TTL. The claim is a conditional update of
/// <c>ClaimedAt</c> (fixed-width UTC strings compare as the times they hold); reads are cached per process for
/// <see cref="IPolicePublicationStore.ReadCacheFor"/>, so a request costs no extra DynamoDB read.
/// </summary>
public sealed class DynamoDbPolicePublicationStore(IAmazonDynamoDB dynamo, DynamoTableNames tables, TimeProvider time) : IPolicePublicationStore, IDisposable
{
    public const string Key = "#police-publication";

    private const string LastUpdated = nameof(PolicePublication.LastUpdated);
    private const string DataUpdated = nameof(PolicePublication.DataUpdated);
    private const string Months = nameof(PolicePublication.Months);
    private const string Categories = nameof(PolicePublication.Categories);
    private const string CheckedAt = nameof(PolicePublication.CheckedAt);
    private const string ListedAt = nameof(PolicePublication.ListedAt);
    private const string ClaimedAt = "ClaimedAt";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private volatile Cached? _cached;

    private string Table => tables.Results;

    public async ValueTask<PolicePublication?> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_cached is { } cached && time.GetUtcNow() - cached.ReadAt < IPolicePublicationStore.ReadCacheFor)
        {
            return cached.Publication;
        }

        // One read per process at a time; the others wait for it rather than reading too.
        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is { } again && time.GetUtcNow() - again.ReadAt < IPolicePublicationStore.ReadCacheFor)
            {
                return again.Publication;
            }

            var publication = await ReadAsync(cancellationToken).ConfigureAwait(false);
            _cached = new Cached(publication, time.GetUtcNow());
            return publication;
        }
        finally
        {
            _reading.Release();
        }
    }

    public async Task<bool> TryClaimCheckAsync(DateTimeOffset now, DateTimeOffset unlessClaimedAfter, CancellationToken cancellationToken = default)
    {
        try
        {
            await DynamoDbCalls.Run(Table, "UpdateItem", () => dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = ItemKey(),
                UpdateExpression = "SET #claimed = :now",
                ConditionExpression = "attribute_not_exists(#claimed) OR #claimed <= :since",
                ExpressionAttributeNames = new() { ["#claimed"] = ClaimedAt },
                ExpressionAttributeValues = new()
                {
                    [":now"] = DynamoAttributes.Timestamp(now),
                    [":since"] = DynamoAttributes.Timestamp(unlessClaimedAfter),
                },
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task SaveAsync(PolicePublication publication, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publication);
        await DynamoDbCalls.Run(Table, "UpdateItem", () => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = ItemKey(),
            UpdateExpression = "SET #lastUpdated = :lastUpdated, #dataUpdated = :dataUpdated, #months = :months, #categories = :categories, #checked = :checked, #listed = :listed",
            ExpressionAttributeNames = new()
            {
                ["#lastUpdated"] = LastUpdated,
                ["#dataUpdated"] = DataUpdated,
                ["#months"] = Months,
                ["#categories"] = Categories,
                ["#checked"] = CheckedAt,
                ["#listed"] = ListedAt,
            },
            ExpressionAttributeValues = new()
            {
                [":lastUpdated"] = DynamoAttributes.String(publication.LastUpdated),
                [":dataUpdated"] = DynamoAttributes.String(publication.DataUpdated),
                [":months"] = DynamoAttributes.StringList(publication.Months),
                [":categories"] = DynamoAttributes.String(JsonSerializer.Serialize(publication.Categories, Json)),
                [":checked"] = DynamoAttributes.Timestamp(publication.CheckedAt),
                [":listed"] = DynamoAttributes.Timestamp(publication.ListedAt),
            },
        }, cancellationToken), cancellationToken).ConfigureAwait(false);
        _cached = new Cached(publication, time.GetUtcNow());
    }

    public void Dispose() => _reading.Dispose();

    private async Task<PolicePublication?> ReadAsync(CancellationToken cancellationToken)
    {
        var response = await DynamoDbCalls.Run(Table, "GetItem", () => dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = ItemKey(),
            ConsistentRead = true,
        }, cancellationToken), cancellationToken).ConfigureAwait(false);

        // An item holding only a claim: a check is under way, nothing is published yet.
        if (response.Item is not { Count: > 0 } attributes || !attributes.ContainsKey(LastUpdated))
        {
            return null;
        }

        var item = new StoredItem(Table, Key, attributes);
        var months = item.OptionalStringList(Months);
        if (months.Count == 0)
        {
            throw item.Invalid($"attribute '{Months}' lists no months.");
        }

        List<CrimeCategory>? categories;
        try
        {
            categories = JsonSerializer.Deserialize<List<CrimeCategory>>(item.RequiredString(Categories), Json);
        }
        catch (JsonException ex)
        {
            throw item.Invalid($"attribute '{Categories}' is not a JSON list of categories: {ex.Message}");
        }

        return new PolicePublication(
            item.RequiredString(LastUpdated), item.RequiredString(DataUpdated), months, categories ?? [],
            item.RequiredTimestamp(CheckedAt), item.RequiredTimestamp(ListedAt));
    }

    private static Dictionary<string, AttributeValue> ItemKey() => new()
    {
        [DynamoTables.Results.PartitionKey.Name] = DynamoAttributes.String(Key),
        [DynamoTables.Results.SortKey!.Name] = DynamoAttributes.String("#"),
    };

    private sealed record Cached(PolicePublication? Publication, DateTimeOffset ReadAt);
}
