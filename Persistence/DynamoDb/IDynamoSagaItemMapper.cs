using Amazon.DynamoDBv2.Model;
using MassTransit;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// Maps one saga type to and from its DynamoDB item. The store owns the key (<c>PK</c> = correlation id) and
/// <c>Version</c>; the mapper owns every other attribute, including <c>ExpiresAt</c> (TTL) when the instance should expire.
/// </summary>
public interface IDynamoSagaItemMapper<TSaga>
    where TSaga : class, ISagaVersion
{
    /// <summary>The instance's attributes other than <c>PK</c> and <c>Version</c>.</summary>
    /// <param name="now">The time of the write, for the expiry of finished instances.</param>
    Dictionary<string, AttributeValue> ToAttributes(TSaga instance, DateTimeOffset now);

    /// <summary>Reads an instance; <c>CorrelationId</c> and <c>Version</c> are set by the store afterwards.</summary>
    /// <exception cref="InvalidStoredItemException">An attribute is missing or malformed.</exception>
    TSaga FromItem(StoredItem item);
}
