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
    /// How long a result is kept after it was written: the retention of a Completed saga instance. The police publish
    /// monthly, so a result is replaced long before; should they not, the API notices a month missing from the store and
    /// has it fetched again (see <see cref="LookupFreshness"/>).
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

        return await ReadAsync(new StoredItem(tables.Results, $"{lookupKey} / {month}", attributes), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CrimeLookupResult>> GetManyAsync(string lookupKey, IReadOnlyCollection<string> months, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(lookupKey);
        if (months.Count == 0)
        {
            return [];
        }

        // One BatchGetItem (at most 100 keys; a request holds at most 12 months); DynamoDB may hand back unprocessed
        // keys under load, which are asked for again.
        var keys = new KeysAndAttributes { Keys = months.Distinct(StringComparer.Ordinal).Select(month => KeyOf(lookupKey, month)).ToList() };
        var items = new List<Dictionary<string, AttributeValue>>();
        for (var round = 0; keys is { Keys.Count: > 0 }; round++)
        {
            if (round > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * round), cancellationToken).ConfigureAwait(false);
            }

            var request = new BatchGetItemRequest { RequestItems = new() { [tables.Results] = keys } };
            var response = await DynamoDbCalls.Run(tables.Results, "BatchGetItem", () => dynamo.BatchGetItemAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            items.AddRange(response.Responses?.GetValueOrDefault(tables.Results) ?? []);
            keys = response.UnprocessedKeys?.GetValueOrDefault(tables.Results)!;
            if (round >= 10 && keys is { Keys.Count: > 0 })
            {
                throw new StoreUnavailableException($"DynamoDB BatchGetItem on table '{tables.Results}' left keys unprocessed after {round + 1} rounds.");
            }
        }

        var results = new List<CrimeLookupResult>();
        foreach (var attributes in items)
        {
            var month = attributes.TryGetValue(DynamoTables.Results.SortKey!.Name, out var sk) ? sk.S : "?";
            if (await ReadAsync(new StoredItem(tables.Results, $"{lookupKey} / {month}", attributes), cancellationToken).ConfigureAwait(false) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    private async Task<CrimeLookupResult?> ReadAsync(StoredItem item, CancellationToken cancellationToken)
    {
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
        item.AddIfNotNull(nameof(CrimeLookupResult.PoliceLastUpdated), result.PoliceLastUpdated);
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
