using System.Security.Cryptography;
using System.Text;
using EventDriven.Contracts.Values;

namespace EventDriven.Simulator;

/// <summary>
/// Deterministic, clearly synthetic answers about postcodes: the same postcode always gets the same point and country.
/// Rules a test can rely on: inward code <c>9ZZ</c> is "Postcode not found"; <c>7ZZ</c> is a terminated postcode
/// (404 with a <c>terminated</c> object); <c>8ZZ</c> exists but has null coordinates; the Channel Islands (JE, GY) and
/// the Isle of Man (IM) exist without coordinates, as on the real postcodes.io (its issues #310 and #426: ONSPD has no
/// grid reference for them); Scottish areas answer <c>country: Scotland</c> except the cross-border districts TD12,
/// TD15 and DG16, which answer England (as parts of them do in reality).
/// </summary>
public static class SyntheticGeography
{
    public const string NotFoundInward = "9ZZ";
    public const string NoCoordinatesInward = "8ZZ";
    public const string TerminatedInward = "7ZZ";

    /// <summary>When a <see cref="TerminatedInward"/> postcode was terminated.</summary>
    public const int TerminatedYear = 2015;
    public const int TerminatedMonth = 6;

    /// <summary>postcodes.io's <c>country</c> for the Crown Dependencies, which ONSPD lists without coordinates.</summary>
    private static readonly Dictionary<string, string> CrownDependencies = new(StringComparer.Ordinal)
    {
        ["JE"] = "Channel Islands",
        ["GY"] = "Channel Islands",
        ["IM"] = "Isle of Man",
    };

    /// <summary>postcodes.io's <c>pfa</c> (police force area) for the known points; other synthetic points get a clearly synthetic one.</summary>
    private static readonly Dictionary<string, string?> ForceAreas = new(StringComparer.Ordinal)
    {
        ["SW1A 1AA"] = "Metropolitan Police",
        ["SW1A 2AA"] = "Metropolitan Police",
        ["M1 1AE"] = "Greater Manchester Police",
        ["LE1 5WW"] = "Leicestershire Police",
        ["CF10 1EP"] = "South Wales Police",
        ["BT1 5GS"] = "Police Service of Northern Ireland",
        ["EH1 1YZ"] = "Scotland",
        ["TD15 1AA"] = "Northumbria Police",
    };

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
        if (CrownDependencies.TryGetValue(postcode.Area, out var dependency))
        {
            return dependency;
        }

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

    /// <summary>The postcode as postcodes.io would answer it, or null when it does not exist (terminated or never issued).</summary>
    public static SimulatedPostcode? Find(Postcode postcode)
    {
        if (postcode.Inward is NotFoundInward or TerminatedInward)
        {
            return null;
        }

        var country = CountryOf(postcode);
        if (postcode.Inward == NoCoordinatesInward || CrownDependencies.ContainsKey(postcode.Area))
        {
            // ONSPD gives the Crown Dependencies no police force area either.
            return new SimulatedPostcode(postcode, country, null, null, "Simulated District", ForceArea: null);
        }

        var forceArea = ForceAreas.TryGetValue(postcode.Value, out var area) ? area : SyntheticForceArea(country);
        if (KnownPoints.TryGetValue(postcode.Value, out var known))
        {
            return new SimulatedPostcode(postcode, country, known.Latitude, known.Longitude, known.District, forceArea);
        }

        var (latitude, longitude) = PointOf(postcode, country);
        return new SimulatedPostcode(postcode, country, latitude, longitude, "Simulated District", forceArea);
    }

    /// <summary>
    /// A terminated postcode's 404 details, as postcodes.io has sent them since its PR #1306: the termination year and
    /// month and the last known point. Null for any other postcode.
    /// </summary>
    public static TerminatedPostcode? FindTerminated(Postcode postcode)
    {
        if (postcode.Inward != TerminatedInward)
        {
            return null;
        }

        var (latitude, longitude) = PointOf(postcode, CountryOf(postcode));
        return new TerminatedPostcode(postcode, TerminatedYear, TerminatedMonth, latitude, longitude);
    }

    private static string SyntheticForceArea(string country) => country switch
    {
        ScottishPostcodeAreas.ScotlandCountry => "Scotland",
        "Northern Ireland" => "Police Service of Northern Ireland",
        _ => "Simulated Constabulary",
    };

    private static (double Latitude, double Longitude) PointOf(Postcode postcode, string country)
    {
        var random = new Random(StableSeed(postcode.Value));
        var box = Boxes[Boxes.ContainsKey(country) ? country : "England"];
        var latitude = Math.Round(box.MinLat + (random.NextDouble() * (box.MaxLat - box.MinLat)), 6);
        var longitude = Math.Round(box.MinLng + (random.NextDouble() * (box.MaxLng - box.MinLng)), 6);
        return (latitude, longitude);
    }

    /// <summary>A seed that is the same in every process and every run (string.GetHashCode is randomised per process).</summary>
    public static int StableSeed(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BitConverter.ToInt32(hash) & int.MaxValue;
    }
}

/// <param name="ForceArea">postcodes.io's <c>pfa</c>: the police force area, null where ONSPD has none.</param>
public sealed record SimulatedPostcode(Postcode Postcode, string Country, double? Latitude, double? Longitude, string District, string? ForceArea);

public sealed record TerminatedPostcode(Postcode Postcode, int Year, int Month, double Latitude, double Longitude);
