using System.Buffers.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventDriven.Persistence.Operations;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// The audit trail in table <see cref="DynamoTables.Operations"/>: PK <c>audit</c>, SK <c>time#id</c>, so a query reads
/// it newest first. Operator actions are rare, so one partition is plenty. Kept <see cref="AuditLimits.Retention"/>.
/// </summary>
public sealed class DynamoDbAuditTrail(IAmazonDynamoDB dynamo, DynamoTableNames tables) : IAuditTrail
{
    private const string Partition = "audit";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string Table => tables.Operations;

    public Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default) =>
        DynamoDbCalls.Run(Table, "PutItem", () => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Table,
            Item = new()
            {
                ["PK"] = DynamoAttributes.String(Partition),
                ["SK"] = DynamoAttributes.String($"{DynamoAttributes.FormatTimestamp(record.At)}#{record.Id}"),
                ["Record"] = DynamoAttributes.String(JsonSerializer.Serialize(record, Json)),
                [DynamoTables.TimeToLiveAttribute] = DynamoAttributes.EpochSeconds(record.At + AuditLimits.Retention),
            },
        }, cancellationToken), cancellationToken);

    public async Task<AuditPage> ListAsync(int limit, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, AuditLimits.MaxPageSize);
        var response = await DynamoDbCalls.Run(Table, "Query", () => dynamo.QueryAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = DynamoAttributes.String(Partition) },
            ScanIndexForward = false,
            Limit = limit,
            ExclusiveStartKey = pageToken is null ? null : Decode(pageToken),
        }, cancellationToken), cancellationToken).ConfigureAwait(false);
        var items = (response.Items ?? []).Select(item =>
        {
            var stored = new StoredItem(Table, item["SK"].S, item);
            return JsonSerializer.Deserialize<AuditRecord>(stored.RequiredString("Record"), Json)
                ?? throw stored.Invalid("attribute 'Record' is null.");
        }).ToList();
        var next = response.LastEvaluatedKey is { Count: > 0 } last ? Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(last["SK"].S)) : null;
        return new AuditPage(items, next);
    }

    private static Dictionary<string, AttributeValue> Decode(string pageToken)
    {
        string sk;
        try
        {
            sk = System.Text.Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken));
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"The page token '{pageToken}' is not one this service issued.", nameof(pageToken), e);
        }

        if (!sk.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The page token '{pageToken}' is not one this service issued.", nameof(pageToken));
        }

        return new() { ["PK"] = DynamoAttributes.String(Partition), ["SK"] = DynamoAttributes.String(sk) };
    }
}

/// <summary>
/// Replay jobs (PK <c>replay-job</c>, SK job id, which sorts by creation time) and the replay ledger (PK
/// <c>replayed#messageId</c>, SK the fault's time stamp) in table <see cref="DynamoTables.Operations"/>. Job writes are
/// conditional on <c>Version</c>.
/// </summary>
public sealed class DynamoDbReplayJobStore(IAmazonDynamoDB dynamo, DynamoTableNames tables) : IReplayJobStore
{
    private const string JobPartition = "replay-job";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string Table => tables.Operations;

    public async Task CreateAsync(ReplayJob job, CancellationToken cancellationToken = default)
    {
        try
        {
            await Put(job with { Version = 1 }, "attribute_not_exists(PK)", null, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException e)
        {
            throw new InvalidOperationException($"A replay job '{job.Id}' exists.", e);
        }
    }

    public async Task<ReplayJob?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var response = await DynamoDbCalls.Run(Table, "GetItem", () => dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = new() { ["PK"] = DynamoAttributes.String(JobPartition), ["SK"] = DynamoAttributes.String(id) },
            ConsistentRead = true,
        }, cancellationToken), cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? Read(item) : null;
    }

    public async Task<IReadOnlyList<ReplayJob>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        var response = await DynamoDbCalls.Run(Table, "Query", () => dynamo.QueryAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = DynamoAttributes.String(JobPartition) },
            ScanIndexForward = false,
            Limit = limit,
            ConsistentRead = true,
        }, cancellationToken), cancellationToken).ConfigureAwait(false);
        return (response.Items ?? []).Select(Read).ToList();
    }

    public async Task<ReplayJob?> TryUpdateAsync(ReplayJob job, CancellationToken cancellationToken = default)
    {
        var written = job with { Version = job.Version + 1 };
        try
        {
            await Put(written, "#version = :expected", DynamoAttributes.Number(job.Version), cancellationToken).ConfigureAwait(false);
            return written;
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    public async Task<bool> WasReplayedAsync(string messageId, string faultStamp, CancellationToken cancellationToken = default)
    {
        var response = await DynamoDbCalls.Run(Table, "GetItem", () => dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = LedgerKey(messageId, faultStamp),
            ConsistentRead = true,
        }, cancellationToken), cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 };
    }

    public Task MarkReplayedAsync(string messageId, string faultStamp, string jobId, CancellationToken cancellationToken = default)
    {
        var item = LedgerKey(messageId, faultStamp);
        item["JobId"] = DynamoAttributes.String(jobId);
        item[DynamoTables.TimeToLiveAttribute] = DynamoAttributes.EpochSeconds(DateTimeOffset.UtcNow + ReplayLimits.Retention);
        return DynamoDbCalls.Run(Table, "PutItem", () => dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = item }, cancellationToken), cancellationToken);
    }

    private Task<PutItemResponse> Put(ReplayJob job, string condition, AttributeValue? expected, CancellationToken cancellationToken)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["PK"] = DynamoAttributes.String(JobPartition),
            ["SK"] = DynamoAttributes.String(job.Id),
            ["Version"] = DynamoAttributes.Number(job.Version),
            ["Job"] = DynamoAttributes.String(JsonSerializer.Serialize(job, Json)),
        };
        if (job.FinishedAt is { } finished)
        {
            item[DynamoTables.TimeToLiveAttribute] = DynamoAttributes.EpochSeconds(finished + ReplayLimits.Retention);
        }

        var request = new PutItemRequest { TableName = Table, Item = item, ConditionExpression = condition };
        if (expected is not null)
        {
            request.ExpressionAttributeNames = new() { ["#version"] = "Version" };
            request.ExpressionAttributeValues = new() { [":expected"] = expected };
        }

        return DynamoDbCalls.Run(Table, "PutItem", () => dynamo.PutItemAsync(request, cancellationToken), cancellationToken);
    }

    private ReplayJob Read(Dictionary<string, AttributeValue> attributes)
    {
        var item = new StoredItem(Table, attributes.TryGetValue("SK", out var sk) ? sk.S ?? "?" : "?", attributes);
        var job = JsonSerializer.Deserialize<ReplayJob>(item.RequiredString("Job"), Json) ?? throw item.Invalid("attribute 'Job' is null.");
        return job with { Version = item.RequiredInt("Version") };
    }

    private static Dictionary<string, AttributeValue> LedgerKey(string messageId, string faultStamp) => new()
    {
        ["PK"] = DynamoAttributes.String($"replayed#{messageId}"),
        ["SK"] = DynamoAttributes.String(faultStamp.Length == 0 ? "-" : faultStamp),
    };
}
