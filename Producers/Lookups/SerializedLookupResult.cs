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
/// Serialises each (lookup key, month, fetch time) once, with the API's own JSON options. Its own cache, bounded in
/// bytes, so popular results stay hot and a long tail of keys cannot grow the process without limit.
/// </summary>
public sealed class LookupResultSerializer(IOptions<JsonOptions> jsonOptions) : IDisposable
{
    private const long CacheBytes = 128L * 1024 * 1024;
    private static readonly TimeSpan SlidingExpiration = TimeSpan.FromMinutes(30);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheBytes });

    public SerializedLookupResult Serialize(CrimeLookupResult result)
    {
        var key = (result.LookupKey, result.Month, result.FetchedAt);
        if (!_cache.TryGetValue(key, out byte[]? json) || json is null)
        {
            json = JsonSerializer.SerializeToUtf8Bytes(LookupResultResponse.From(result), jsonOptions.Value.SerializerOptions);
            _cache.Set(key, json, new MemoryCacheEntryOptions { SlidingExpiration = SlidingExpiration, Size = json.Length });
        }

        return new SerializedLookupResult(json);
    }

    public void Dispose() => _cache.Dispose();
}
