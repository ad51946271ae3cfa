using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// Attribute value conversions shared by the stores. Timestamps are stored as fixed-width UTC ISO-8601 strings, so
/// string order is time order (the ByState GSI sorts on <c>UpdatedAt</c>, and conditions compare watermarks as strings).
/// </summary>
public static class DynamoAttributes
{
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static bool TryParseTimestamp(string? text, out DateTimeOffset value)
    {
        if (DateTime.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            value = new DateTimeOffset(utc, TimeSpan.Zero);
            return true;
        }

        value = default;
        return false;
    }

    public static AttributeValue String(string value) => new() { S = value };

    public static AttributeValue Timestamp(DateTimeOffset value) => new() { S = FormatTimestamp(value) };

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Number(double value) => new() { N = value.ToString("R", CultureInfo.InvariantCulture) };

    public static AttributeValue EpochSeconds(DateTimeOffset value) => Number(value.ToUnixTimeSeconds());

    /// <summary>An ordered list of strings (a list, <c>L</c>, not a set: sets have no order and no duplicates).</summary>
    public static AttributeValue StringList(IEnumerable<string> values) => new() { L = values.Select(String).ToList() };

    /// <summary>Adds a list only when it has items: absent reads back as empty.</summary>
    public static void AddIfNotEmpty(this Dictionary<string, AttributeValue> item, string name, IReadOnlyCollection<string> values)
    {
        if (values.Count > 0)
        {
            item[name] = StringList(values);
        }
    }

    /// <summary>Adds the attribute only when there is a value: absent means null, so a later full write drops it.</summary>
    public static void AddIfNotNull(this Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null)
        {
            item[name] = String(value);
        }
    }

    public static void AddIfNotNull(this Dictionary<string, AttributeValue> item, string name, double? value)
    {
        if (value is { } v)
        {
            item[name] = Number(v);
        }
    }

    public static void AddIfNotNull(this Dictionary<string, AttributeValue> item, string name, long? value)
    {
        if (value is { } v)
        {
            item[name] = Number(v);
        }
    }

    public static void AddIfNotNull(this Dictionary<string, AttributeValue> item, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            item[name] = Timestamp(v);
        }
    }
}
