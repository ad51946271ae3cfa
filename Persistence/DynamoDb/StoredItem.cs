using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// A raw item read from a table, with typed accessors that fail with <see cref="InvalidStoredItemException"/> naming the
/// table, key and attribute (never a NullReference or FormatException from deep inside a mapper).
/// </summary>
public sealed class StoredItem(string table, string key, IReadOnlyDictionary<string, AttributeValue> attributes)
{
    public string Table { get; } = table;
    public string Key { get; } = key;
    public IReadOnlyDictionary<string, AttributeValue> Attributes { get; } = attributes;

    public InvalidStoredItemException Invalid(string problem) => new(Table, Key, problem);

    public bool Has(string name) => Attributes.TryGetValue(name, out var value) && value.NULL != true;

    public string RequiredString(string name) => OptionalString(name) ?? throw Invalid($"attribute '{name}' is missing.");

    public string? OptionalString(string name)
    {
        if (!Attributes.TryGetValue(name, out var value) || value.NULL == true)
        {
            return null;
        }

        return value.S ?? throw Invalid($"attribute '{name}' should be a string (S) but is {Describe(value)}.");
    }

    /// <summary>A list of strings (<c>L</c> of <c>S</c>); absent is empty.</summary>
    public List<string> OptionalStringList(string name)
    {
        if (!Attributes.TryGetValue(name, out var value) || value.NULL == true)
        {
            return [];
        }

        if (value.L is not { } list)
        {
            throw Invalid($"attribute '{name}' should be a list (L) but is {Describe(value)}.");
        }

        return list.Select((entry, i) => entry.S ?? throw Invalid($"attribute '{name}' item {i} should be a string (S) but is {Describe(entry)}.")).ToList();
    }

    public long RequiredLong(string name) => OptionalLong(name) ?? throw Invalid($"attribute '{name}' is missing.");

    public long? OptionalLong(string name)
    {
        var text = OptionalNumberText(name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid($"attribute '{name}' should be a whole number but is '{text}'.");
    }

    public int RequiredInt(string name) => OptionalInt(name) ?? throw Invalid($"attribute '{name}' is missing.");

    public int? OptionalInt(string name) => OptionalLong(name) switch
    {
        null => null,
        >= int.MinValue and <= int.MaxValue and var value => (int)value,
        var value => throw Invalid($"attribute '{name}' is out of range for a 32-bit number: {value}."),
    };

    public double? OptionalDouble(string name)
    {
        var text = OptionalNumberText(name);
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Invalid($"attribute '{name}' should be a finite number but is '{text}'.");
    }

    public DateTimeOffset RequiredTimestamp(string name) => OptionalTimestamp(name) ?? throw Invalid($"attribute '{name}' is missing.");

    public DateTimeOffset? OptionalTimestamp(string name)
    {
        var text = OptionalString(name);
        if (text is null)
        {
            return null;
        }

        return DynamoAttributes.TryParseTimestamp(text, out var value)
            ? value
            : throw Invalid($"attribute '{name}' should be a UTC timestamp like 2026-01-31T12:00:00.0000000Z but is '{text}'.");
    }

    public MemoryStream RequiredBinary(string name)
    {
        if (!Attributes.TryGetValue(name, out var value) || value.NULL == true)
        {
            throw Invalid($"attribute '{name}' is missing.");
        }

        return value.B ?? throw Invalid($"attribute '{name}' should be binary (B) but is {Describe(value)}.");
    }

    /// <summary>True when the item carries a TTL that has passed: DynamoDB deletes such items lazily, readers must not see them.</summary>
    public bool IsExpiredAt(DateTimeOffset now) =>
        OptionalLong(DynamoTables.TimeToLiveAttribute) is { } expiresAt && expiresAt <= now.ToUnixTimeSeconds();

    private string? OptionalNumberText(string name)
    {
        if (!Attributes.TryGetValue(name, out var value) || value.NULL == true)
        {
            return null;
        }

        return value.N ?? throw Invalid($"attribute '{name}' should be a number (N) but is {Describe(value)}.");
    }

    private static string Describe(AttributeValue value) =>
        value.S is not null ? $"the string '{value.S}'"
        : value.N is not null ? $"the number {value.N}"
        : value.B is not null ? "binary"
        : value.BOOL is not null ? "a boolean"
        : value.M is not null ? "a map"
        : value.L is not null ? "a list"
        : value.SS is not null || value.NS is not null || value.BS is not null ? "a set"
        : "of an unknown type";
}
