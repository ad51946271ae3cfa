namespace EventDriven.Persistence.DynamoDb;

/// <summary>Attribute names of saga items that the store, the GSI and the readers share.</summary>
public static class SagaItemAttributes
{
    public const string PartitionKey = "PK";
    public const string Version = "Version";
    public const string State = "State";
    public const string UpdatedAt = "UpdatedAt";
    public const string ExpiresAt = DynamoTables.TimeToLiveAttribute;

    /// <summary>The client whose request started the attempt under way; present only while one is (the ByRequester index's key).</summary>
    public const string RequestedBy = "RequestedBy";
}
