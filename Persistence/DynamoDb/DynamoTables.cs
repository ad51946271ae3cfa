namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// The DynamoDB tables, defined once. "Ensure tables" builds CreateTableRequests from these, and a test checks
/// that the CloudFormation template declares the same names (prefix + suffix), key schemas, GSIs and TTL attribute.
/// </summary>
public static class DynamoTables
{
    public const string DefaultPrefix = DynamoDbOptions.DefaultTablePrefix;

    /// <summary>Epoch-seconds attribute DynamoDB's TTL deletes items by, on every table that expires items.</summary>
    public const string TimeToLiveAttribute = "ExpiresAt";

    /// <summary>The lookups table's index by state (operators' lists, the Scottish function).</summary>
    public const string ByStateIndex = "ByState";

    /// <summary>The lookups table's sparse index by the client whose request started the attempt under way.</summary>
    public const string ByRequesterIndex = "ByRequester";

    /// <summary>Saga instances: one item per lookup, PK = correlation id.</summary>
    public static readonly TableDefinition Lookups = new(
        Suffix: "lookups",
        PartitionKey: new("PK", AttributeKind.String),
        SortKey: null,
        TimeToLiveAttribute: TimeToLiveAttribute,
        GlobalSecondaryIndexes:
        [
            // Operators list instances by state, newest first; the Scottish function reads Unsupported ones updated since its last run.
            new GlobalSecondaryIndex(ByStateIndex, new("State", AttributeKind.String), new("UpdatedAt", AttributeKind.String)),
            // The API counts a client's lookups in flight, across its instances: sparse, an item is in it only while an attempt runs.
            new GlobalSecondaryIndex(ByRequesterIndex, new("RequestedBy", AttributeKind.String), SortKey: null),
        ]);

    /// <summary>Results: PK = lookup key, SK = police data month.</summary>
    public static readonly TableDefinition Results = new(
        Suffix: "results",
        PartitionKey: new("PK", AttributeKind.String),
        SortKey: new("SK", AttributeKind.String),
        TimeToLiveAttribute: TimeToLiveAttribute,
        GlobalSecondaryIndexes: []);

    /// <summary>Unsupported-postcode registry: PK = postcode (plus one watermark item).</summary>
    public static readonly TableDefinition UnsupportedPostcodes = new(
        Suffix: "unsupported-postcodes",
        PartitionKey: new("PK", AttributeKind.String),
        SortKey: null,
        TimeToLiveAttribute: null,
        GlobalSecondaryIndexes: []);

    /// <summary>
    /// Every lookup's history: PK = lookup id, SK = a slot of one of two rings (<c>t#NNN</c> transitions by saga version,
    /// <c>e#NNN</c> other entries by a per-lookup counter kept in the item <c>#seq</c>), so a lookup holds a bounded
    /// number of items whatever happens to it. Entries expire with <see cref="History.LookupHistoryLimits.Retention"/>.
    /// </summary>
    public static readonly TableDefinition LookupHistory = new(
        Suffix: "lookup-history",
        PartitionKey: new("PK", AttributeKind.String),
        SortKey: new("SK", AttributeKind.String),
        TimeToLiveAttribute: TimeToLiveAttribute,
        GlobalSecondaryIndexes: []);

    /// <summary>
    /// Operator work shared by every API instance and the CLI: the audit trail (PK <c>audit</c>, SK time#id), replay jobs
    /// (PK <c>replay-job</c>, SK job id) and the replay ledger (PK <c>replayed#messageId</c>), each item with a TTL.
    /// </summary>
    public static readonly TableDefinition Operations = new(
        Suffix: "operations",
        PartitionKey: new("PK", AttributeKind.String),
        SortKey: new("SK", AttributeKind.String),
        TimeToLiveAttribute: TimeToLiveAttribute,
        GlobalSecondaryIndexes: []);

    public static readonly IReadOnlyList<TableDefinition> All = [Lookups, Results, UnsupportedPostcodes, LookupHistory, Operations];
}

public enum AttributeKind
{
    String,
    Number,
}

public sealed record KeyAttribute(string Name, AttributeKind Kind);

public sealed record GlobalSecondaryIndex(string Name, KeyAttribute PartitionKey, KeyAttribute? SortKey);

public sealed record TableDefinition(
    string Suffix,
    KeyAttribute PartitionKey,
    KeyAttribute? SortKey,
    string? TimeToLiveAttribute,
    IReadOnlyList<GlobalSecondaryIndex> GlobalSecondaryIndexes)
{
    public string NameWith(string prefix) => prefix + Suffix;
}
