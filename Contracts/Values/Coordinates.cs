using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EventDriven.Contracts.Values;

/// <summary>
/// A point inside the service's coverage: finite numbers, valid ranges, and within a box around the UK
/// (data.police.uk covers England, Wales and Northern Ireland; the box is generous rather than exact).
/// </summary>
public readonly record struct Coordinates
{
    public const double MinLatitude = 49.8;
    public const double MaxLatitude = 60.9;
    public const double MinLongitude = -8.7;
    public const double MaxLongitude = 1.8;

    /// <summary>Decimal places kept in a lookup key: 4 places is about 11 m, far below the one-mile radius.</summary>
    public const int KeyPrecision = 4;

    private const int MaxNumberLength = 32;

    private static readonly SearchValues<char> NumberCharacters = SearchValues.Create("0123456789+-.eE");

    private Coordinates(double latitude, double longitude)
    {
        Latitude = latitude;
        Longitude = longitude;
    }

    public double Latitude { get; }
    public double Longitude { get; }

    /// <summary>The same point rounded to <see cref="KeyPrecision"/> decimal places.</summary>
    public Coordinates Rounded => new(RoundForKey(Latitude), RoundForKey(Longitude));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Latitude:0.0###},{Longitude:0.0###}");

    public static Coordinates Create(double latitude, double longitude) =>
        TryCreate(latitude, longitude, out var c, out var error) ? c : throw new ArgumentOutOfRangeException(nameof(latitude), error);

    public static bool TryCreate(double latitude, double longitude, out Coordinates coordinates, [NotNullWhen(false)] out string? error)
    {
        coordinates = default;
        if (!double.IsFinite(latitude) || !double.IsFinite(longitude))
        {
            error = "Latitude and longitude must be finite numbers.";
            return false;
        }

        if (latitude is < -90 or > 90)
        {
            error = $"Latitude must be between -90 and 90 (was {latitude.ToString(CultureInfo.InvariantCulture)}).";
            return false;
        }

        if (longitude is < -180 or > 180)
        {
            error = $"Longitude must be between -180 and 180 (was {longitude.ToString(CultureInfo.InvariantCulture)}).";
            return false;
        }

        if (latitude is < MinLatitude or > MaxLatitude || longitude is < MinLongitude or > MaxLongitude)
        {
            error = string.Create(CultureInfo.InvariantCulture,
                $"The point is outside the UK coverage area (latitude {MinLatitude} to {MaxLatitude}, longitude {MinLongitude} to {MaxLongitude}).");
            return false;
        }

        coordinates = new Coordinates(latitude, longitude);
        error = null;
        return true;
    }

    /// <summary>Parses query-string text: invariant culture, plain decimal or exponent notation, no NaN/Infinity words.</summary>
    public static bool TryParse(string? latitude, string? longitude, out Coordinates coordinates, [NotNullWhen(false)] out string? error)
    {
        coordinates = default;
        if (!TryParseNumber("latitude", latitude, out var lat, out error) ||
            !TryParseNumber("longitude", longitude, out var lng, out error))
        {
            return false;
        }

        return TryCreate(lat, lng, out coordinates, out error);
    }

    // A point just west of Greenwich (or south of the equator) rounds to negative zero, which prints as "-0.0":
    // without folding it into 0.0 the same rounded point would get two lookup keys and two saga instances.
    private static double RoundForKey(double value)
    {
        var rounded = Math.Round(value, KeyPrecision, MidpointRounding.AwayFromZero);
        return rounded == 0 ? 0.0 : rounded;
    }

    private static bool TryParseNumber(string name, string? text, out double value, [NotNullWhen(false)] out string? error)
    {
        value = double.NaN;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"The {name} is required.";
            return false;
        }

        if (text.Length > MaxNumberLength)
        {
            error = $"The {name} is too long to be a coordinate.";
            return false;
        }

        // double.TryParse forgives trailing NUL characters and knows words such as "NaN" and "∞": only plain
        // number characters get as far as the parser.
        var number = text.AsSpan().Trim(' ');
        const NumberStyles style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (number.ContainsAnyExcept(NumberCharacters) ||
            !double.TryParse(number, style, CultureInfo.InvariantCulture, out value))
        {
            error = $"The {name} must be a decimal number.";
            return false;
        }

        if (!double.IsFinite(value))
        {
            error = $"The {name} must be a finite number.";
            return false;
        }

        error = null;
        return true;
    }
}
