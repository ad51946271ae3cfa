using System.Security.Cryptography;
using System.Text;
using EventDriven.Contracts.Values;

namespace EventDriven.Simulator;

/// <summary>
/// Deterministic, clearly synthetic answers about postcodes: the same postcode always gets the same point and country.
/// Rules a test can rely on: inward code <c>9ZZ</c> is "Postcode not found"; <c>8ZZ</c> exists but has null
/// coordinates; Scottish areas answer <c>country: Scotland</c> except the cross-border districts TD12, TD15 and DG16,
/// which answer England (as parts of them do in reality).
/// </summary>
public static class SyntheticGeography
{
    public const string NotFoundInward = "9ZZ";
    public const string NoCoordinatesInward = "8ZZ";

    private static readonly HashSet<string> EnglishCrossBorderDistricts = new(StringComparer.Ordinal) { "TD12", "TD15", "DG16" };
    private static readonly HashSet<string> WelshAreas = new(StringComparer.Ordinal) { "CF", "LL", "NP", "SA", "LD" };

    /// <summary>A few real points so demos show familiar places.</summary>
    private static readonly Dictionary<string, (double Latitude, double Longitude, string District)> KnownPoints = new(StringComparer.Ordinal)
    {
        ["SW1A 1AA"] = (51.501009, -0.141588, "Westminster"),
        ["SW1A 2AA"] = (51.503396, -0.127640, "Westminster"),
        ["M1 1AE"] = (53.479320, -2.236100, "Manchester"),
        ["LE1 5WW"] = (52.629729, -1.131592, "Leicester"),
        ["CF10 1EP"] = (51.481580, -3.179090, "Cardiff"),
        ["BT1 5GS"] = (54.597280, -5.930120, "Belfast"),
        ["EH1 1YZ"] = (55.952060, -3.190360, "City of Edinburgh"),
        ["TD15 1AA"] = (55.770630, -2.004230, "Northumberland"),
    };

    // Rough boxes per country, inside the service's coverage area.
    private static readonly Dictionary<string, (double MinLat, double MaxLat, double MinLng, double MaxLng)> Boxes = new(StringComparer.Ordinal)
    {
        ["England"] = (50.7, 53.9, -2.9, 0.6),
        ["Wales"] = (51.5, 53.2, -4.5, -3.1),
        ["Northern Ireland"] = (54.1, 55.1, -7.8, -5.6),
        ["Scotland"] = (55.3, 57.6, -5.0, -2.2),
    };

    public static string CountryOf(Postcode postcode)
    {
        if (EnglishCrossBorderDistricts.Contains(postcode.District))
        {
            return "England";
        }

        if (ScottishPostcodeAreas.Areas.Contains(postcode.Area))
        {
            return ScottishPostcodeAreas.ScotlandCountry;
        }

        if (postcode.Area == "BT")
        {
            return "Northern Ireland";
        }

        return WelshAreas.Contains(postcode.Area) ? "Wales" : "England";
    }

    public static SimulatedPostcode? Find(Postcode postcode)
    {
        if (postcode.Inward == NotFoundInward)
        {
            return null;
        }

        var country = CountryOf(postcode);
        if (postcode.Inward == NoCoordinatesInward)
        {
            return new SimulatedPostcode(postcode, country, null, null, "Simulated District");
        }

        if (KnownPoints.TryGetValue(postcode.Value, out var known))
        {
            return new SimulatedPostcode(postcode, country, known.Latitude, known.Longitude, known.District);
        }

        var random = new Random(StableSeed(postcode.Value));
        var box = Boxes[country];
        var latitude = Math.Round(box.MinLat + (random.NextDouble() * (box.MaxLat - box.MinLat)), 6);
        var longitude = Math.Round(box.MinLng + (random.NextDouble() * (box.MaxLng - box.MinLng)), 6);
        return new SimulatedPostcode(postcode, country, latitude, longitude, "Simulated District");
    }

    /// <summary>A seed that is the same in every process and every run (string.GetHashCode is randomised per process).</summary>
    public static int StableSeed(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BitConverter.ToInt32(hash) & int.MaxValue;
    }
}

public sealed record SimulatedPostcode(Postcode Postcode, string Country, double? Latitude, double? Longitude, string District);
