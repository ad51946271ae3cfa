using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventDriven.Functions.Events;

/// <summary>
/// The event EventBridge sends a target when a schedule rule fires (our own model: Amazon.Lambda.* is not in our feed).
/// <code>{"version":"0","id":"…","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012",
///  "time":"2026-11-23T03:00:00Z","region":"eu-west-2","resources":["arn:aws:events:…:rule/…"],"detail":{}}</code>
/// </summary>
public sealed record ScheduledEvent(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("detail-type")] string DetailType,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("region")] string Region,
    [property: JsonPropertyName("resources")] IReadOnlyList<string> Resources,
    [property: JsonPropertyName("detail")] JsonElement Detail)
{
    public const string ScheduledEventDetailType = "Scheduled Event";
    public const string EventsSource = "aws.events";

    /// <summary>Largest input read: EventBridge events are at most 256 KB.</summary>
    public const int MaxInputBytes = 256 * 1024;

    private static readonly JsonElement EmptyDetail = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>An event as EventBridge would send it for <paramref name="ruleArn"/> firing at <paramref name="time"/>.</summary>
    public static ScheduledEvent For(string ruleArn, DateTimeOffset time, string account = "000000000000", string region = "local", JsonElement? detail = null) =>
        new("0", Guid.NewGuid().ToString(), ScheduledEventDetailType, EventsSource, account, time.ToUniversalTime(), region, [ruleArn], detail ?? EmptyDetail);

    /// <summary>A boolean in <c>detail</c> (e.g. <c>{"dryRun": true}</c> on a hand-made event), or null when absent.</summary>
    public bool? DetailFlag(string name) =>
        Detail.ValueKind == JsonValueKind.Object && Detail.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    public string ToJson() => JsonSerializer.Serialize(this);

    public Stream ToStream() => new MemoryStream(Encoding.UTF8.GetBytes(ToJson()));

    /// <summary>Reads and checks an event; anything else is an <see cref="InvalidScheduledEventException"/> saying what is wrong.</summary>
    public static async Task<ScheduledEvent> ReadAsync(Stream input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxInputBytes)
            {
                throw new InvalidScheduledEventException($"The input is larger than {MaxInputBytes / 1024} KB; a scheduled event is much smaller.");
            }

            buffer.Write(chunk, 0, read);
        }

        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static ScheduledEvent Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    public static ScheduledEvent Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.IsEmpty || utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new InvalidScheduledEventException("The input is empty; expected a scheduled event (JSON object with detail-type \"Scheduled Event\").");
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 32 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new InvalidScheduledEventException($"The input is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidScheduledEventException($"The event must be a JSON object, not {Describe(root.ValueKind)}.");
            }

            var detailType = RequiredString(root, "detail-type");
            if (detailType != ScheduledEventDetailType)
            {
                throw new InvalidScheduledEventException($"'detail-type' is \"{detailType}\"; these functions only take \"{ScheduledEventDetailType}\".");
            }

            var source = RequiredString(root, "source");
            if (source != EventsSource)
            {
                throw new InvalidScheduledEventException($"'source' is \"{source}\"; a scheduled event comes from \"{EventsSource}\".");
            }

            var timeText = RequiredString(root, "time");
            if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            {
                throw new InvalidScheduledEventException($"'time' is \"{timeText}\", not an ISO 8601 time such as 2026-11-23T03:00:00Z.");
            }

            var resources = new List<string>();
            if (root.TryGetProperty("resources", out var resourcesElement) && resourcesElement.ValueKind != JsonValueKind.Null)
            {
                if (resourcesElement.ValueKind != JsonValueKind.Array || resourcesElement.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
                {
                    throw new InvalidScheduledEventException("'resources' must be an array of strings (the rule ARNs).");
                }

                resources.AddRange(resourcesElement.EnumerateArray().Select(r => r.GetString()!));
            }

            var detail = EmptyDetail;
            if (root.TryGetProperty("detail", out var detailElement) && detailElement.ValueKind != JsonValueKind.Null)
            {
                if (detailElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidScheduledEventException($"'detail' must be a JSON object, not {Describe(detailElement.ValueKind)}.");
                }

                detail = detailElement.Clone();
            }

            return new ScheduledEvent(
                OptionalString(root, "version") ?? "0",
                RequiredString(root, "id"),
                detailType,
                source,
                OptionalString(root, "account") ?? string.Empty,
                time,
                OptionalString(root, "region") ?? string.Empty,
                resources,
                detail);
        }
    }

    private static string RequiredString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new InvalidScheduledEventException($"The event has no '{name}'.");
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new InvalidScheduledEventException($"'{name}' must be a non-empty string, not {Describe(value.ValueKind)}.");
        }

        return value.GetString()!;
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new InvalidScheduledEventException($"'{name}' must be a string, not {Describe(value.ValueKind)}.");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}

/// <summary>The function's input is not a scheduled event; nothing was done.</summary>
public sealed class InvalidScheduledEventException(string message, Exception? innerException = null) : Exception(message, innerException);
