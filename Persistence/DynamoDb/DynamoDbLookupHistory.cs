using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventDriven.Persistence.History;
using MassTransit;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// History on DynamoDB (table <see cref="DynamoTables.LookupHistory"/>). A lookup's entries live in two rings of slots,
/// so its item count is bounded without a cleanup job:
/// <list type="bullet">
/// <item>transitions in slot <c>t#(version mod 100)</c>, written in the saga's own conditional-write transaction: the
/// saga's optimistic lock orders them, and a save that lost its race writes no entry;</item>
/// <item>everything else in slot <c>e#(n mod 200)</c>, where n comes from an atomic counter (UpdateItem ADD on the item
/// <c>#seq</c>): every concurrent writer gets its own n, so none overwrites another; a slot only takes a newer n.</item>
/// </list>
/// Every item carries a TTL of <see cref="LookupHistoryLimits.Retention"/>.
/// </summary>
public sealed class DynamoDbLookupHistory(IAmazonDynamoDB dynamo, DynamoTableNames tables, TimeProvider time) : ILookupHistory
{
    private const string CounterKey = "#seq";
    private const string TransitionSlot = "t#";
    private const string OtherSlot = "e#";

    private string Table => tables.LookupHistory;

    public async Task AppendAsync(Guid lookupId, LookupHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var pk = lookupId.ToString("D");
        var expires = ExpiresAt(entry.At);
        var counter = await DynamoDbCalls.Run(Table, "UpdateItem", () => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(pk, CounterKey),
            UpdateExpression = "ADD #seq :one SET #expires = :expires",
            ExpressionAttributeNames = new() { ["#seq"] = "Seq", ["#expires"] = DynamoTables.TimeToLiveAttribute },
            ExpressionAttributeValues = new() { [":one"] = DynamoAttributes.Number(1), [":expires"] = expires },
            ReturnValues = ReturnValue.UPDATED_NEW,
        }, cancellationToken), cancellationToken).ConfigureAwait(false);
        var seq = long.Parse(counter.Attributes["Seq"].N, CultureInfo.InvariantCulture);

        try
        {
            await DynamoDbCalls.Run(Table, "PutItem", () => dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = Table,
                Item = ItemOf(pk, OtherSlot + Slot(seq - 1, LookupHistoryLimits.OtherEntries), seq, entry, expires),
                // A writer that was slow enough for 200 newer entries to pass it must not overwrite one of them.
                ConditionExpression = "attribute_not_exists(#seq) OR #seq < :seq",
                ExpressionAttributeNames = new() { ["#seq"] = "Seq" },
                ExpressionAttributeValues = new() { [":seq"] = DynamoAttributes.Number(seq) },
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Older than every entry the ring holds: it would have been dropped next anyway.
        }
    }

    public async Task<IReadOnlyList<LookupHistoryEntry>> ReadAsync(Guid lookupId, CancellationToken cancellationToken = default)
    {
        var pk = lookupId.ToString("D");
        var entries = new List<LookupHistoryEntry>();
        Dictionary<string, AttributeValue>? startKey = null;
        var now = time.GetUtcNow();
        do
        {
            var page = await DynamoDbCalls.Run(Table, "Query", () => dynamo.QueryAsync(new QueryRequest
            {
                TableName = Table,
                KeyConditionExpression = "#pk = :pk",
                ExpressionAttributeNames = new() { ["#pk"] = "PK" },
                ExpressionAttributeValues = new() { [":pk"] = DynamoAttributes.String(pk) },
                ConsistentRead = true,
                ExclusiveStartKey = startKey,
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var attributes in page.Items ?? [])
            {
                var item = new StoredItem(Table, pk, attributes);
                if (item.OptionalString("SK") == CounterKey || item.IsExpiredAt(now))
                {
                    continue;
                }

                entries.Add(Read(item));
            }

            startKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);

        return LookupHistoryOrder.Chronological(entries);
    }

    /// <summary>The item of a transition saved as <paramref name="version"/>: written with the saga's conditional write (see <see cref="DynamoDbTransitionSink"/>).</summary>
    public Put TransitionPut(Guid lookupId, TransitionEntry entry, int version) => new()
    {
        TableName = Table,
        Item = ItemOf(lookupId.ToString("D"), TransitionSlot + Slot(version, LookupHistoryLimits.Transitions), version, entry with { Version = version }, ExpiresAt(entry.At)),
    };

    private static LookupHistoryEntry Read(StoredItem item)
    {
        var json = item.RequiredString("Entry");
        try
        {
            return LookupHistoryJson.Deserialize(json);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
        {
            throw item.Invalid($"attribute 'Entry' is not a history entry: {e.Message}");
        }
    }

    private static Dictionary<string, AttributeValue> ItemOf(string pk, string sk, long seq, LookupHistoryEntry entry, AttributeValue expires) => new()
    {
        ["PK"] = DynamoAttributes.String(pk),
        ["SK"] = DynamoAttributes.String(sk),
        ["Seq"] = DynamoAttributes.Number(seq),
        ["Kind"] = DynamoAttributes.String(entry.Kind),
        ["At"] = DynamoAttributes.Timestamp(entry.At),
        ["Entry"] = DynamoAttributes.String(LookupHistoryJson.Serialize(entry)),
        [DynamoTables.TimeToLiveAttribute] = expires,
    };

    private static AttributeValue ExpiresAt(DateTimeOffset at) => DynamoAttributes.EpochSeconds(at + LookupHistoryLimits.Retention);

    private static string Slot(long n, int ring) => (n % ring).ToString("D3", CultureInfo.InvariantCulture);

    private static Dictionary<string, AttributeValue> Key(string pk, string sk) => new()
    {
        ["PK"] = DynamoAttributes.String(pk),
        ["SK"] = DynamoAttributes.String(sk),
    };
}

/// <summary>
/// Distributed mode: a transition is not written on its own but handed to the saga repository, which writes it in
/// the same transaction as the instance (<see cref="DynamoDbSagaStore{TSaga}"/>, <see cref="SagaWriteCompanion"/>).
/// </summary>
public sealed class DynamoDbTransitionSink(DynamoDbLookupHistory history) : ISagaTransitionSink
{
    public Task RecordAsync(PipeContext context, Guid sagaId, TransitionEntry entry)
    {
        context.GetOrAddPayload(() => new SagaWriteCompanion()).Build = version => history.TransitionPut(sagaId, entry, version);
        return Task.CompletedTask;
    }

    public void Clear(PipeContext context)
    {
        if (context.TryGetPayload<SagaWriteCompanion>(out var companion))
        {
            companion.Build = null;
        }
    }
}

/// <summary>
/// An item to write in the same transaction as a saga instance, for the version being written: carried on the saga's
/// consume context from the filter that knows it (history) to the repository that writes the instance.
/// </summary>
public sealed class SagaWriteCompanion
{
    public Func<int, Put>? Build { get; set; }

    public static Func<int, Put>? Of(PipeContext context) =>
        context.TryGetPayload<SagaWriteCompanion>(out var companion) ? companion.Build : null;
}
