namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// A stored item cannot be read back: an attribute is missing, has the wrong type or an unparseable value, or the
/// saga state is not one the state machine knows. The message names the table, the key and the attribute, so an
/// operator can find and fix the item; the message that touched it goes through retry to the error queue.
/// </summary>
public sealed class InvalidStoredItemException(string table, string key, string problem)
    : Exception($"DynamoDB table '{table}', item '{key}': {problem}")
{
    public string Table { get; } = table;
    public string Key { get; } = key;
    public string Problem { get; } = problem;
}
