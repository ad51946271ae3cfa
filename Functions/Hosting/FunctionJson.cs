using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventDriven.Functions.Hosting;

/// <summary>One JSON shape for function responses and S3 reports: camelCase, enums as strings.</summary>
public static class FunctionJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    public static MemoryStream ToStream<T>(T value)
    {
        var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, Options));
        stream.Position = 0;
        return stream;
    }
}
