namespace EventDriven.Persistence;

/// <summary>Configuration section <c>Persistence</c> (docs/architecture.md, "Configuration").</summary>
public sealed class PersistenceOptions
{
    public const string SectionName = "Persistence";

    public PersistenceProvider Provider { get; set; } = PersistenceProvider.InMemory;

    public DynamoDbOptions DynamoDb { get; set; } = new();
}

public enum PersistenceProvider
{
    InMemory,
    DynamoDb,
}

public sealed class DynamoDbOptions
{
    /// <summary>Endpoint override, e.g. <c>http://127.0.0.1:8000</c> for DynamoDB Local; unset means AWS's regional endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The prefix of the tables when none is configured.</summary>
    public const string DefaultTablePrefix = "eventdriven-";

    public string TablePrefix { get; set; } = DefaultTablePrefix;

    /// <summary>Create missing tables at start-up. Unset: true when <see cref="ServiceUrl"/> is set (local runs), else false.</summary>
    public bool? EnsureTables { get; set; }

    /// <summary>AWS region; DynamoDB Local accepts any.</summary>
    public string? Region { get; set; }

    public bool ShouldEnsureTables => EnsureTables ?? !string.IsNullOrWhiteSpace(ServiceUrl);
}
