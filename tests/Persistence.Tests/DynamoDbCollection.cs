using EventDriven.TestSupport;

namespace EventDriven.Persistence.Tests;

/// <summary>Every class in this collection shares one DynamoDB Local; each test uses its own table prefix.</summary>
[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "dynamodb";
}
