using System.Buffers;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using EventDriven.Persistence;
using EventDriven.Sagas;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EventDriven.Producers.Lookups;

/// <summary>
/// A result as ready-made UTF-8 JSON with its strong entity tag: a hash of those bytes, so two instances that built the
/// same answer give the same tag. A result is read far more often than it changes (once per police publication per
/// key), so the hot cache-hit path writes cached bytes instead of serialising a few hundred crimes on every request.
/// </summary>
public sealed class SerializedResult
{
    private readonly string _hash;
    private readonly Lazy<byte[]> _brotli;
    private readonly Lazy<byte[]> _gzip;

    public SerializedResult(byte[] json)
    {
        Json = json;
        _hash = Base64Url(SHA256.HashData(json).AsSpan(0, 16));
        IdentityETag = $"\"{_hash}\"";
        BrotliETag = $"\"{_hash}-br\"";
        GzipETag = $"\"{_hash}-gzip\"";
        // Compressed once, the first time a client asks for the coding, then served like the JSON itself: per request the
        // middleware would compress the same bytes again (measured: a br hit ran at 0.38 of the bare endpoint that way).
        _brotli = new(() => Compress(json, output => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true)));
        _gzip = new(() => Compress(json, output => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)));
    }

    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The body in a content coding this class keeps (br, gzip), or null for any other.</summary>
    public ReadOnlyMemory<byte>? Encoded(string? coding) => coding switch
    {
        // Typed arms: a null byte[] would convert to an empty (not a null) ReadOnlyMemory.
        "br" => new ReadOnlyMemory<byte>(_brotli.Value),
        "gzip" => new ReadOnlyMemory<byte>(_gzip.Value),
        _ => (ReadOnlyMemory<byte>?)null,
    };

    /// <summary>The tag of the uncompressed JSON.</summary>
    public string IdentityETag { get; }

    private string BrotliETag { get; }

    private string GzipETag { get; }

    /// <summary>
    /// The tag of the representation sent with <paramref name="coding"/>. A strong validator names exactly one
    /// representation, and a compressed body is another representation (RFC 9110 §8.8.3.3), so each content coding gets
    /// its own tag.
    /// </summary>
    public string ETagFor(string? coding) => coding switch
    {
        null or "identity" => IdentityETag,
        "br" => BrotliETag,
        "gzip" => GzipETag,
        _ => $"\"{_hash}-{coding}\"",
    };

    private static byte[] Compress(byte[] json, Func<Stream, Stream> encoder)
    {
        using var output = new MemoryStream(json.Length / 4);
        using (var stream = encoder(output))
        {
            stream.Write(json);
        }

        return output.ToArray();
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// The 200 answer of <c>/postcode</c> and <c>/coordinates</c> from cached bytes, with HTTP caching (RFC 9110/9111):
/// <c>ETag</c> (per content coding), <c>Cache-Control</c> with the freshness left, <c>Vary: Accept-Encoding</c>, and 304
/// Not Modified when <c>If-None-Match</c> names the current tag (weak comparison, as §13.1.2 requires). The content
/// coding is the one ASP.NET Core's response compression would choose (its provider negotiates); for br and gzip the
/// body is the result's own compressed copy, which the middleware then leaves alone (it never re-encodes a body that
/// has a Content-Encoding).
/// </summary>
public sealed class SerializedLookupResult(SerializedResult result, string cacheControl) : IResult, IEndpointMetadataProvider
{
    public SerializedResult Result { get; } = result;

    public string CacheControl { get; } = cacheControl;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        var headers = response.Headers;
        var acceptsCoding = request.Headers.ContainsKey(HeaderNames.AcceptEncoding);
        var coding = acceptsCoding ? NegotiatedCoding(httpContext) : null;
        var encoded = Result.Encoded(coding);
        var etag = Result.ETagFor(coding);
        headers.ETag = etag;
        headers.CacheControl = CacheControl;
        if (request.Headers.IfNoneMatch.Count > 0 && Matches(request.Headers.IfNoneMatch, etag))
        {
            // A 304 carries what the 200 would have for caches to update (RFC 9110 §15.4.5), and no body.
            headers.Vary = HeaderNames.AcceptEncoding;
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        if (encoded is { } body)
        {
            headers.ContentEncoding = coding;
            headers.Vary = HeaderNames.AcceptEncoding;
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body).AsTask();
        }

        if (!acceptsCoding)
        {
            // With Accept-Encoding the compression middleware adds Vary itself; without, it stays out of the way.
            headers.Vary = HeaderNames.AcceptEncoding;
        }

        response.ContentLength = Result.Json.Length;
        return response.Body.WriteAsync(Result.Json).AsTask();
    }

    /// <summary>Describes the 200 answer for OpenAPI as the <see cref="LookupResultResponse"/> it is.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(LookupResultResponse), ["application/json"]));

    /// <summary>The content coding the response compression middleware will choose for this request (the same provider decides).</summary>
    private static string? NegotiatedCoding(HttpContext httpContext) =>
        httpContext.RequestServices.GetService<IResponseCompressionProvider>() is { } provider && provider.CheckRequestAcceptsCompression(httpContext)
            ? provider.GetCompressionProvider(httpContext)?.EncodingName
            : null;

    private static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag)
    {
        if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(etag);
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }
}

/// <summary>
/// Builds each answer once, with the API's own JSON options, and keeps the bytes: a hit (on <c>/postcode</c>,
/// <c>/coordinates</c> or a poll of <c>/lookups/{id}</c>) is then one saga-state read, with no results-store read (a
/// DynamoDB read and gunzip per month) and no serialisation. An entry is keyed by the lookup key, the months, the
/// category, the police's <c>crime-last-updated</c> and the saga's completion time: anything that could change the
/// answer changes the key, so a stale entry is never answered. Bounded in bytes, so a long tail of keys cannot grow
/// the process without limit.
/// </summary>
public sealed class LookupResultSerializer(ILookupResultStore results, IOptions<JsonOptions> jsonOptions) : IDisposable
{
    private const long CacheBytes = 128L * 1024 * 1024;
    private static readonly TimeSpan SlidingExpiration = TimeSpan.FromMinutes(30);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheBytes });

    /// <summary>The API's JSON options, which the cached bytes were written with.</summary>
    public JsonSerializerOptions JsonOptions => jsonOptions.Value.SerializerOptions;

    /// <returns>The serialised answer, or null when the store no longer holds one of its months.</returns>
    public async Task<SerializedResult?> GetOrLoadAsync(LookupSnapshot state, ResultSelection selection, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> months = selection.Months.Count > 0 ? selection.Months : state.Month is { } newest ? [newest] : [];
        if (months.Count == 0)
        {
            return null;
        }

        var key = new CacheKey(state.LookupKey, selection.Months.Count > 0 ? selection.MonthsKey : months[0], selection.Category, state.PoliceLastUpdated, state.CompletedAt);
        if (_cache.TryGetValue(key, out SerializedResult? cached) && cached is not null)
        {
            return cached;
        }

        var stored = await results.GetManyAsync(state.LookupKey, months, cancellationToken).ConfigureAwait(false);
        if (stored.Count != months.Count)
        {
            return null;
        }

        var serialized = new SerializedResult(JsonSerializer.SerializeToUtf8Bytes(LookupResultResponse.From(stored, selection.Category), JsonOptions));
        _cache.Set(key, serialized, new MemoryCacheEntryOptions { SlidingExpiration = SlidingExpiration, Size = serialized.Json.Length });
        return serialized;
    }

    public void Dispose() => _cache.Dispose();

    private readonly record struct CacheKey(string LookupKey, string Months, string? Category, string? PoliceLastUpdated, DateTimeOffset? CompletedAt);
}

/// <summary>
/// <c>GET /lookups/{id}</c> of a completed lookup: the status envelope with the result spliced in as the cached bytes,
/// so a poll costs what a cache hit on <c>/postcode</c> costs.
/// </summary>
public sealed class SerializedLookupStatus(LookupStatusResponse status, SerializedResult result, JsonSerializerOptions options)
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
