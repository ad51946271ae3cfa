using System.Buffers;
using System.Reflection;
using System.Text.Json;
using EventDriven.Persistence;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Lookups;

/// <summary>
/// A completed result as ready-made UTF-8 JSON. A result is read far more often than it changes (once per month per
/// key), so the hot cache-hit path writes cached bytes instead of serialising a few hundred crimes on every request.
/// </summary>
public sealed class SerializedLookupResult(byte[] json) : IResult, IEndpointMetadataProvider
{
    public ReadOnlyMemory<byte> Json { get; } = json;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = Json.Length;
        return httpContext.Response.Body.WriteAsync(Json).AsTask();
    }

    /// <summary>Describes the 200 answer for OpenAPI as the <see cref="LookupResultResponse"/> it is.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(LookupResultResponse), ["application/json"]));
}

/// <summary>
/// Serialises each completed attempt's result once, with the API's own JSON options, and keeps the bytes: a hit (on
/// <c>/postcode</c>, <c>/coordinates</c> or a poll of <c>/lookups/{id}</c>) is then one saga-state read, with no
/// results-store read (a DynamoDB GetItem and gunzip) and no serialisation. An entry is keyed by (lookup key, month, the
/// saga's completion time): a new attempt completes at a new time, so a re-fetched result can never be answered from an
/// old entry. The cache is bounded in bytes, so a long tail of keys cannot grow the process without limit.
/// </summary>
public sealed class LookupResultSerializer(ILookupResultStore results, IOptions<JsonOptions> jsonOptions) : IDisposable
{
    private const long CacheBytes = 128L * 1024 * 1024;
    private static readonly TimeSpan SlidingExpiration = TimeSpan.FromMinutes(30);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheBytes });

    /// <summary>The API's JSON options, which the cached bytes were written with.</summary>
    public JsonSerializerOptions JsonOptions => jsonOptions.Value.SerializerOptions;

    /// <returns>The serialised result, or null when the store no longer has it.</returns>
    public async Task<SerializedLookupResult?> GetOrLoadAsync(string lookupKey, string month, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        var key = (lookupKey, month, completedAt);
        if (_cache.TryGetValue(key, out byte[]? json) && json is not null)
        {
            return new SerializedLookupResult(json);
        }

        if (await results.GetAsync(lookupKey, month, cancellationToken).ConfigureAwait(false) is not { } result)
        {
            return null;
        }

        json = JsonSerializer.SerializeToUtf8Bytes(LookupResultResponse.From(result), JsonOptions);
        _cache.Set(key, json, new MemoryCacheEntryOptions { SlidingExpiration = SlidingExpiration, Size = json.Length });
        return new SerializedLookupResult(json);
    }

    public void Dispose() => _cache.Dispose();
}

/// <summary>
/// <c>GET /lookups/{id}</c> of a completed lookup: the status envelope with the result spliced in as the cached bytes,
/// so a poll costs what a cache hit on <c>/postcode</c> costs.
/// </summary>
public sealed class SerializedLookupStatus(LookupStatusResponse status, SerializedLookupResult result, JsonSerializerOptions options)
    : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        // The envelope is a handful of fields: serialise it as the record it is (so its shape cannot drift from the
        // documented type), then write it out with the result's bytes in place of its null result.
        var envelope = JsonSerializer.SerializeToElement(status with { Result = null }, options);
        var resultName = options.PropertyNamingPolicy?.ConvertName(nameof(LookupStatusResponse.Result)) ?? nameof(LookupStatusResponse.Result);
        var buffer = new ArrayBufferWriter<byte>(result.Json.Length + 512);
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in envelope.EnumerateObject())
            {
                if (property.NameEquals(resultName))
                {
                    writer.WritePropertyName(property.Name);
                    writer.WriteRawValue(result.Json.Span, skipInputValidation: true);
                }
                else
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = buffer.WrittenCount;
        await httpContext.Response.Body.WriteAsync(buffer.WrittenMemory);
    }

    /// <summary>Describes the 200 answer for OpenAPI as the <see cref="LookupStatusResponse"/> it is.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(LookupStatusResponse), ["application/json"]));
}
