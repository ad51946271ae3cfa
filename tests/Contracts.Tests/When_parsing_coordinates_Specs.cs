using System.Globalization;
using EventDriven.Contracts.Values;

namespace EventDriven.Contracts.Tests;

public sealed class When_parsing_coordinates_Specs
{
    [Theory]
    [InlineData("51.501009", "-0.141588", "England: Buckingham Palace")]
    [InlineData("52.629729", "-1.131592", "England: Leicester")]
    [InlineData("51.4816", "-3.1791", "Wales: Cardiff")]
    [InlineData("54.5973", "-5.9301", "Northern Ireland: Belfast")]
    [InlineData("55.9533", "-3.1883", "Scotland: Edinburgh (inside the box; the saga decides support)")]
    [InlineData("60.1546", "-1.1494", "Scotland: Lerwick")]
    [InlineData("49.9", "-6.3", "Isles of Scilly")]
    [InlineData("+51.5", "-0.12", "explicit plus sign")]
    [InlineData(" 51.5 ", " -0.12 ", "surrounding spaces")]
    [InlineData("5.15e1", "-1.2E-1", "exponent notation")]
    [InlineData("51", "0", "integers")]
    [InlineData("49.8", "-8.7", "south-west corner of the coverage box")]
    [InlineData("60.9", "1.8", "north-east corner of the coverage box")]
    public void Should_accept_a_point_inside_the_coverage(string latitude, string longitude, string where)
    {
        Assert.True(Coordinates.TryParse(latitude, longitude, out var point, out var error), $"{where}: {error}");

        Assert.Null(error);
        Assert.Equal(double.Parse(latitude, NumberStyles.Float, CultureInfo.InvariantCulture), point.Latitude);
        Assert.Equal(double.Parse(longitude, NumberStyles.Float, CultureInfo.InvariantCulture), point.Longitude);
    }

    [Theory]
    // Missing or empty
    [InlineData(null, "-0.14", "latitude is required")]
    [InlineData("51.5", null, "longitude is required")]
    [InlineData("", "-0.14", "latitude is required")]
    [InlineData("51.5", "   ", "longitude is required")]
    // Not a number in the invariant, plain-decimal sense
    [InlineData("abc", "-0.14", "latitude must be a decimal number")]
    [InlineData("51.5", "abc", "longitude must be a decimal number")]
    [InlineData("51,5", "-0.14", "latitude must be a decimal number")]
    [InlineData("51.5", "-0,14", "longitude must be a decimal number")]
    [InlineData("0x10", "-0.14", "latitude must be a decimal number")]
    [InlineData("51.5.1", "-0.14", "latitude must be a decimal number")]
    [InlineData("1,000", "-0.14", "latitude must be a decimal number")]
    [InlineData("51.5", "- 0.14", "longitude must be a decimal number")]
    [InlineData("\t51.5", "-0.14", "latitude must be a decimal number")]
    [InlineData("51.5\0", "-0.14", "latitude must be a decimal number")]
    [InlineData("５１.５", "-0.14", "latitude must be a decimal number")]
    [InlineData("51.5'--", "-0.14", "latitude must be a decimal number")]
    [InlineData("%35%31", "-0.14", "latitude must be a decimal number")]
    // Not finite: words and overflow
    [InlineData("NaN", "-0.14", "latitude must be")]
    [InlineData("51.5", "nan", "longitude must be")]
    [InlineData("Infinity", "-0.14", "latitude must be")]
    [InlineData("51.5", "-Infinity", "longitude must be")]
    [InlineData("∞", "-0.14", "latitude must be")]
    [InlineData("1e309", "-0.14", "latitude must be a finite number")]
    [InlineData("51.5", "-1e309", "longitude must be a finite number")]
    // Too long to be a coordinate (checked before parsing)
    [InlineData("51.50000000000000000000000000000001", "-0.14", "latitude is too long")]
    [InlineData("51.5", "-0.1400000000000000000000000000000000000", "longitude is too long")]
    // Out of range
    [InlineData("91", "-0.14", "Latitude must be between -90 and 90")]
    [InlineData("-90.0001", "-0.14", "Latitude must be between -90 and 90")]
    [InlineData("51.5", "181", "Longitude must be between -180 and 180")]
    [InlineData("51.5", "-180.5", "Longitude must be between -180 and 180")]
    // Valid on Earth, outside the UK coverage box
    [InlineData("48.85", "2.35", "outside the UK coverage area")]     // Paris
    [InlineData("40.7128", "-74.006", "outside the UK coverage area")] // New York
    [InlineData("-51.5", "0.14", "outside the UK coverage area")]     // the mirror image of London
    [InlineData("53.35", "-9.5", "outside the UK coverage area")]     // west coast of Ireland
    [InlineData("61", "-1", "outside the UK coverage area")]          // north of Shetland
    [InlineData("49.79", "-5", "outside the UK coverage area")]       // just south of the box
    [InlineData("60.91", "-1", "outside the UK coverage area")]       // just north of the box
    [InlineData("54.5", "-8.71", "outside the UK coverage area")]     // just west of the box
    [InlineData("52.5", "1.81", "outside the UK coverage area")]      // just east of the box
    public void Should_reject_with_a_reason_that_names_the_problem(string? latitude, string? longitude, string expectedInReason)
    {
        Assert.False(Coordinates.TryParse(latitude, longitude, out var point, out var error), $"accepted as {point}");

        Assert.Equal(default, point);
        Assert.NotNull(error);
        Assert.Contains(expectedInReason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN, -0.14)]
    [InlineData(51.5, double.NaN)]
    [InlineData(double.PositiveInfinity, -0.14)]
    [InlineData(51.5, double.NegativeInfinity)]
    public void Should_refuse_to_create_a_point_from_a_non_finite_number(double latitude, double longitude)
    {
        Assert.False(Coordinates.TryCreate(latitude, longitude, out _, out var error));
        Assert.Contains("finite", error, StringComparison.Ordinal);

        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => Coordinates.Create(latitude, longitude));
        Assert.Contains("finite", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(48.85, 2.35)]
    [InlineData(91, 0)]
    [InlineData(51.5, 181)]
    public void Should_throw_a_clear_error_from_create_when_out_of_coverage(double latitude, double longitude)
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => Coordinates.Create(latitude, longitude));

        Assert.False(string.IsNullOrWhiteSpace(thrown.Message));
    }

    [Theory]
    [InlineData(51.501449, -0.141649, 51.5014, -0.1416)]
    [InlineData(51.50146, -0.14166, 51.5015, -0.1417)]
    [InlineData(52.0, -1.0, 52.0, -1.0)]
    [InlineData(54.59731234, -5.93019876, 54.5973, -5.9302)]
    public void Should_round_to_four_decimal_places(double latitude, double longitude, double roundedLatitude, double roundedLongitude)
    {
        var rounded = Coordinates.Create(latitude, longitude).Rounded;

        Assert.Equal(roundedLatitude, rounded.Latitude);
        Assert.Equal(roundedLongitude, rounded.Longitude);
        Assert.Equal(4, Coordinates.KeyPrecision);
    }

    [Theory]
    [InlineData(51.501449, -0.141649, "51.5014,-0.1416")]
    [InlineData(52, -1, "52.0,-1.0")]
    [InlineData(51.5, 0.12, "51.5,0.12")]
    public void Should_print_the_rounded_point_in_invariant_form(double latitude, double longitude, string expected)
    {
        Assert.Equal(expected, Coordinates.Create(latitude, longitude).Rounded.ToString());
    }

    [Fact]
    public void Should_print_a_point_on_the_meridian_without_a_minus_sign()
    {
        // West of Greenwich by less than the key precision rounds to the meridian itself, which has no sign.
        var justWest = Coordinates.Create(51.4779, -0.00001).Rounded;

        Assert.Equal("51.4779,0.0", justWest.ToString());
    }
}
