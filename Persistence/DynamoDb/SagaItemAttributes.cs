namespace EventDriven.Persistence.DynamoDb;

/// <summary>Attribute names of saga items that the store, the GSI and the readers share.</summary>
public static class SagaItemAttributes
{
    public const string PartitionKey = "PK";
    public const string Version = "Version";
    public const string State = "State";
    public const string UpdatedAt = "UpdatedAt";
    public const string ExpiresAt = DynamoTables.TimeToLiveAttribute;

    /// <summary>
    /// A fresh id per write, kept when that write is sent again: a write whose answer was lost (timeout, connection reset,
    /// the SDK's own retry) recognises itself on the next try instead of reading as a conflict (see DynamoDbSagaStore).
    /// </summary>
    public const string WriteId = "WriteId";

    /// <summary>The id of the message whose application wrote this version (see DynamoDbSagaStore.LoadForMessageAsync).</summary>
    public const string LastMessageId = "LastMessageId";

    /// <summary>The item as it was before <see cref="LastMessageId"/> was applied (a map), to apply that message again.</summary>
    public const string Previous = "Previous";

    /// <summary>
    /// Set by an API on a finished instance when it accepts a request that starts a new attempt; the saga's next write,
    /// which replaces the whole item, drops it (see DynamoDbAcceptedLookups).
    /// </summary>
    public const string AcceptedAt = "AcceptedAt";

    /// <summary>The client whose request started the attempt under way; present only while one is (the ByRequester index's key).</summary>
    public const string RequestedBy = "RequestedBy";
}
