using System.IO.Compression;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventDriven.Contracts.Results;
using EventDriven.Sagas;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// Results on DynamoDB: <c>PK</c> = lookup key, <c>SK</c> = police data month, the result as gzip-compressed JSON
/// (a month of crimes around a busy point is megabytes of JSON, over DynamoDB's 400 KB item limit uncompressed), and a TTL.
/// </summary>
public sealed class DynamoDbLookupResultStore(IAmazonDynamoDB dynamo, DynamoTableNames tables, TimeProvider time) : ILookupResultStore
{
    public const string ResultAttribute = "ResultJsonGzip";

    /// <summary>
    /// How long a result is kept. Matches the retention of a Completed saga instance, so an instance that points at a
    /// month never outlives its result; the saga decides freshness (<see cref="LookupOptions.ResultsFreshFor"/>).
    /// </summary>
    public static readonly TimeSpan Retention = LookupRetention.Results;

    /// <summary>DynamoDB's item limit is 400 KB including attribute names; keep a margin for the key and the other attributes.</summary>
    public const int MaxCompressedBytes = 390 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<CrimeLookupResult?> GetAsync(string lookupKey, string month, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(lookupKey);
        ArgumentException.ThrowIfNullOrEmpty(month);
        var response = await DynamoDbCalls.Run(tables.Results, "GetItem", () => dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = tables.Results,
            Key = KeyOf(lookupKey, month),
        }, cancellationToken), cancellationToken).ConfigureAwait(false);

        if (response.Item is not { Count: > 0 } attributes)
        {
            return null;
        }

        var item = new StoredItem(tables.Results, $"{lookupKey} / {month}", attributes);
        if (item.IsExpiredAt(time.GetUtcNow()))
        {
            return null;
        }

        try
        {
            await using var gzip = new GZipStream(item.RequiredBinary(ResultAttribute), CompressionMode.Decompress);
            return await JsonSerializer.DeserializeAsync<CrimeLookupResult>(gzip, Json, cancellationToken).ConfigureAwait(false)
                ?? throw item.Invalid($"attribute '{ResultAttribute}' holds JSON null instead of a result.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            throw new InvalidStoredItemException(item.Table, item.Key, $"attribute '{ResultAttribute}' is not a gzip-compressed result: {ex.Message}");
        }
    }

    public async Task PutAsync(CrimeLookupResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrEmpty(result.LookupKey);
        ArgumentException.ThrowIfNullOrEmpty(result.Month);

        var compressed = Compress(result);
        if (compressed.Length > MaxCompressedBytes)
        {
            throw new ArgumentException(
                $"The result for '{result.LookupKey}' / {result.Month} ({result.Crimes.Count} crimes) is {compressed.Length / 1024} KB compressed, " +
                $"over the {MaxCompressedBytes / 1024} KB a DynamoDB item can hold.", nameof(result));
        }

        var item = KeyOf(result.LookupKey, result.Month);
        item[ResultAttribute] = new AttributeValue { B = new MemoryStream(compressed) };
        item["LookupId"] = DynamoAttributes.String(result.LookupId.ToString("D"));
        item["TotalCrimes"] = DynamoAttributes.Number(result.TotalCrimes);
        item["FetchedAt"] = DynamoAttributes.Timestamp(result.FetchedAt);
        item[DynamoTables.TimeToLiveAttribute] = DynamoAttributes.EpochSeconds(time.GetUtcNow() + Retention);

        // An unconditional put: a replayed fetch writes the same result again, which is harmless.
        await DynamoDbCalls.Run(tables.Results, "PutItem", () => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = tables.Results,
            Item = item,
        }, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    internal static byte[] Compress(CrimeLookupResult result)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, result, Json);
        }

        return buffer.ToArray();
    }

    private static Dictionary<string, AttributeValue> KeyOf(string lookupKey, string month) => new()
    {
        [DynamoTables.Results.PartitionKey.Name] = DynamoAttributes.String(lookupKey),
        [DynamoTables.Results.SortKey!.Name] = DynamoAttributes.String(month),
    };
}
