using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EventDriven.Contracts.Values;

/// <summary>
/// The identity of a lookup: a normalised postcode, or coordinates rounded to <see cref="Coordinates.KeyPrecision"/>.
/// Its <see cref="CorrelationId"/> is a name-based UUID (RFC 9562 version 5) of the key, so every request for the
/// same key, in any process, lands on the same saga instance.
/// </summary>
public sealed record LookupKey
{
    public const string PostcodePrefix = "postcode:";
    public const string CoordinatesPrefix = "coordinates:";

    /// <summary>Namespace of our name-based ids; fixed forever, changing it orphans every stored lookup.</summary>
    private static readonly Guid Namespace = new("6f1c2a53-0b8e-4c55-9d2e-3c7a51e0b6a4");

    private LookupKey(string value, Postcode? postcode, Coordinates? coordinates)
    {
        Value = value;
        Postcode = postcode;
        Coordinates = coordinates;
        CorrelationId = CreateNameBasedGuid(Namespace, value);
    }

    public string Value { get; }
    public Postcode? Postcode { get; }
    public Coordinates? Coordinates { get; }
    public Guid CorrelationId { get; }

    public static LookupKey For(Postcode postcode) => new(PostcodePrefix + postcode.Value, postcode, null);

    public static LookupKey For(Coordinates coordinates)
    {
        var rounded = coordinates.Rounded;
        return new LookupKey(CoordinatesPrefix + rounded, null, rounded);
    }

    public override string ToString() => Value;

    /// <summary>Parses the stored form (<c>postcode:SW1A 1AA</c> or <c>coordinates:51.501,-0.1416</c>).</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out LookupKey? key)
    {
        key = null;
        if (value is null)
        {
            return false;
        }

        if (value.StartsWith(PostcodePrefix, StringComparison.Ordinal) &&
            Values.Postcode.TryParse(value[PostcodePrefix.Length..], out var postcode))
        {
            key = For(postcode);
            return true;
        }

        if (value.StartsWith(CoordinatesPrefix, StringComparison.Ordinal))
        {
            var parts = value[CoordinatesPrefix.Length..].Split(',');
            if (parts.Length == 2 && Values.Coordinates.TryParse(parts[0], parts[1], out var coordinates, out _))
            {
                key = For(coordinates);
                return true;
            }
        }

        return false;
    }

    private static Guid CreateNameBasedGuid(Guid namespaceId, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(name.Length)];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        var nameLength = Encoding.UTF8.GetBytes(name, input[16..]);

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..(16 + nameLength)], hash);

        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
