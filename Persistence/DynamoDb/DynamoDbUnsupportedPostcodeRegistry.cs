using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventDriven.Persistence.InMemory;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// The unsupported-postcode registry on DynamoDB: one item per postcode (<c>PK</c> = postcode) plus one watermark item.
/// A merge reads the entry, merges (count = max, first = min, last = max) and writes it back only if nobody wrote in
/// between (<c>Revision</c> condition), retrying on a lost race: atomic, idempotent and commutative across processes.
/// </summary>
public sealed class DynamoDbUnsupportedPostcodeRegistry(IAmazonDynamoDB dynamo, DynamoTableNames tables) : IUnsupportedPostcodeRegistry
{
    /// <summary>Key of the watermark item; '#' never occurs in a postcode, so it cannot collide with an entry.</summary>
    public const string WatermarkKey = "#watermark";

    /// <summary>Lost races tolerated per merge. Each retry follows a write that changed the entry, so this is only reached by a runaway writer.</summary>
    public const int MaxMergeAttempts = 50;

    private const string Pk = "PK";
    private const string Count = "Count";
    private const string FirstSeen = "FirstSeen";
    private const string LastSeen = "LastSeen";
    private const string Revision = "Revision";
    private const string Watermark = "Watermark";

    private string Table => tables.UnsupportedPostcodes;

    public async Task RecordAsync(UnsupportedPostcodeEntry observed, CancellationToken cancellationToken = default)
    {
        Validate(observed);
        for (var attempt = 1; attempt <= MaxMergeAttempts; attempt++)
        {
            var (stored, revision) = await ReadAsync(observed.Postcode, cancellationToken).ConfigureAwait(false);
            var merged = stored is null ? observed : InMemoryUnsupportedPostcodeRegistry.Merge(stored, observed);
            if (merged == stored)
            {
                return; // already recorded: a repeated run writes nothing
            }

            var item = new Dictionary<string, AttributeValue>
            {
                [Pk] = DynamoAttributes.String(observed.Postcode),
                [Count] = DynamoAttributes.Number(merged.Count),
                [FirstSeen] = DynamoAttributes.Timestamp(merged.FirstSeen),
                [LastSeen] = DynamoAttributes.Timestamp(merged.LastSeen),
                [Revision] = DynamoAttributes.Number(revision + 1),
            };
            var request = stored is null
                ? new PutItemRequest
                {
                    TableName = Table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#pk)",
                    ExpressionAttributeNames = new() { ["#pk"] = Pk },
                }
                : new PutItemRequest
                {
                    TableName = Table,
                    Item = item,
                    ConditionExpression = "#revision = :revision",
                    ExpressionAttributeNames = new() { ["#revision"] = Revision },
                    ExpressionAttributeValues = new() { [":revision"] = DynamoAttributes.Number(revision) },
                };

            try
            {
                await DynamoDbCalls.Run(Table, "PutItem", () => dynamo.PutItemAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ConditionalCheckFailedException)
            {
                // Another writer merged first: re-read and merge onto its result. A short random pause spreads racing writers.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException(
            $"Recording unsupported postcode '{observed.Postcode}' lost {MaxMergeAttempts} races in a row on table '{Table}'; giving up so the caller can retry later.");
    }

    public async Task<UnsupportedPostcodeEntry?> GetAsync(string postcode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(postcode);
        return (await ReadAsync(postcode, cancellationToken).ConfigureAwait(false)).Entry;
    }

    public async Task<IReadOnlyList<UnsupportedPostcodeEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        // The registry is small (postcodes people asked about, Scotland only) and read by operators: a paged scan is fine.
        var entries = new List<UnsupportedPostcodeEntry>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await DynamoDbCalls.Run(Table, "Scan", () => dynamo.ScanAsync(new ScanRequest
            {
                TableName = Table,
                ExclusiveStartKey = startKey,
                ConsistentRead = true,
            }, cancellationToken), cancellationToken).ConfigureAwait(false);

            foreach (var attributes in response.Items ?? [])
            {
                var item = new StoredItem(Table, attributes.TryGetValue(Pk, out var pk) ? pk.S ?? "?" : "?", attributes);
                if (item.Key != WatermarkKey)
                {
                    entries.Add(ReadEntry(item));
                }
            }

            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);

        return entries.OrderBy(e => e.Postcode, StringComparer.Ordinal).ToList();
    }

    public async Task<DateTimeOffset?> GetWatermarkAsync(CancellationToken cancellationToken = default)
    {
        var response = await DynamoDbCalls.Run(Table, "GetItem", () => dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = new() { [Pk] = DynamoAttributes.String(WatermarkKey) },
            ConsistentRead = true,
        }, cancellationToken), cancellationToken).ConfigureAwait(false);

        return response.Item is { Count: > 0 } attributes
            ? new StoredItem(Table, WatermarkKey, attributes).RequiredTimestamp(Watermark)
            : null;
    }

    public async Task SetWatermarkAsync(DateTimeOffset watermark, CancellationToken cancellationToken = default)
    {
        try
        {
            // Fixed-width UTC strings compare like the times they hold, so the condition moves the watermark forward only.
            await DynamoDbCalls.Run(Table, "UpdateItem", () => dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = new() { [Pk] = DynamoAttributes.String(WatermarkKey) },
                UpdateExpression = "SET #watermark = :watermark",
                ConditionExpression = "attribute_not_exists(#watermark) OR #watermark < :watermark",
                ExpressionAttributeNames = new() { ["#watermark"] = Watermark },
                ExpressionAttributeValues = new() { [":watermark"] = DynamoAttributes.Timestamp(watermark) },
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // The stored watermark is already as far or further: nothing to do.
        }
    }

    private async Task<(UnsupportedPostcodeEntry? Entry, long Revision)> ReadAsync(string postcode, CancellationToken cancellationToken)
    {
        var response = await DynamoDbCalls.Run(Table, "GetItem", () => dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = new() { [Pk] = DynamoAttributes.String(postcode) },
            ConsistentRead = true,
        }, cancellationToken), cancellationToken).ConfigureAwait(false);

        if (response.Item is not { Count: > 0 } attributes)
        {
            return (null, 0);
        }

        var item = new StoredItem(Table, postcode, attributes);
        return (ReadEntry(item), item.RequiredLong(Revision));
    }

    private static UnsupportedPostcodeEntry ReadEntry(StoredItem item) => new(
        item.RequiredString(Pk),
        item.RequiredLong(Count),
        item.RequiredTimestamp(FirstSeen),
        item.RequiredTimestamp(LastSeen));

    private static void Validate(UnsupportedPostcodeEntry observed)
    {
        ArgumentNullException.ThrowIfNull(observed);
        if (string.IsNullOrWhiteSpace(observed.Postcode) || observed.Postcode.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{observed.Postcode}' is not a postcode.", nameof(observed));
        }

        if (observed.Count < 1)
        {
            throw new ArgumentException($"The count for '{observed.Postcode}' must be at least 1, not {observed.Count}.", nameof(observed));
        }

        if (observed.FirstSeen > observed.LastSeen)
        {
            throw new ArgumentException(
                $"For '{observed.Postcode}' first seen ({observed.FirstSeen:O}) is after last seen ({observed.LastSeen:O}).", nameof(observed));
        }
    }
}
