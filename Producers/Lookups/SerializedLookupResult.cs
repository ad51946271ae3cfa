using System.Reflection;
using System.Text.Json;
using EventDriven.Contracts.Results;
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
/// Serialises each completed attempt's result once, with the API's own JSON options, and keeps the bytes: a hit is
/// then one saga-state read, with no results-store read (a DynamoDB GetItem and gunzip) and no serialisation. An entry
/// is keyed by (lookup key, month, the saga's completion time): a new attempt completes at a new time, so a re-fetched
/// result can never be answered from an old entry. The cache is bounded in bytes, so a long tail of keys cannot grow
/// the process without limit.
/// </summary>
public sealed class LookupResultSerializer(IOptions<JsonOptions> jsonOptions) : IDisposable
{
    private const long CacheBytes = 128L * 1024 * 1024;
    private static readonly TimeSpan SlidingExpiration = TimeSpan.FromMinutes(30);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheBytes });

    /// <returns>The serialised result, or null when the store no longer has it.</returns>
    public async Task<SerializedLookupResult?> GetOrLoadAsync(
        string lookupKey, string month, DateTimeOffset completedAt,
        Func<CancellationToken, Task<CrimeLookupResult?>> load, CancellationToken cancellationToken)
    {
        var key = (lookupKey, month, completedAt);
        if (_cache.TryGetValue(key, out byte[]? json) && json is not null)
        {
            return new SerializedLookupResult(json);
        }

        if (await load(cancellationToken).ConfigureAwait(false) is not { } result)
        {
            return null;
        }

        json = JsonSerializer.SerializeToUtf8Bytes(LookupResultResponse.From(result), jsonOptions.Value.SerializerOptions);
        _cache.Set(key, json, new MemoryCacheEntryOptions { SlidingExpiration = SlidingExpiration, Size = json.Length });
        return new SerializedLookupResult(json);
    }

    public void Dispose() => _cache.Dispose();
}
